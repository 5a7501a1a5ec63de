using System.Runtime.InteropServices;

namespace Elsa.Sim.Kafka.MockCluster;

/// <summary>A librdkafka mock cluster (<c>rd_kafka_mock_cluster_t</c>). Releasing it destroys the cluster first and
/// only then lets go of the client that owns it, so <c>rd_kafka_destroy</c> never runs under a live cluster.</summary>
internal sealed class MockClusterHandle : SafeHandle
{
    private KafkaClientHandle? _owner;

    /// <summary>Called by the marshaller of <see cref="MockClusterNative.ClusterNew"/>.</summary>
    public MockClusterHandle()
        : base(nint.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == nint.Zero;

    /// <summary>Keeps <paramref name="owner"/> alive until this cluster has been destroyed. Call once, right after a
    /// successful <see cref="MockClusterNative.ClusterNew"/>.</summary>
    internal void HoldOwner(KafkaClientHandle owner)
    {
        var added = false;
        owner.DangerousAddRef(ref added);
        _owner = owner;
    }

    protected override bool ReleaseHandle()
    {
        MockClusterNative.ClusterDestroy(handle);
        _owner?.DangerousRelease();
        return true;
    }
}
