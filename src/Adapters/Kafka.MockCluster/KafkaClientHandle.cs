using System.Runtime.InteropServices;
using System.Text;

namespace Elsa.Sim.Kafka.MockCluster;

/// <summary>A bare librdkafka client (<c>rd_kafka_t</c>) that exists only to own a mock cluster: librdkafka keeps the
/// cluster's bookkeeping, timers and log on it, so it must outlive the cluster. <see cref="MockClusterHandle"/> holds
/// a reference to it for that reason, which keeps the order of release right even when both are finalized
/// together.</summary>
internal sealed class KafkaClientHandle : SafeHandle
{
    private const int ErrorTextBytes = 512;

    /// <summary>librdkafka's settings for the owner. It never connects anywhere, so the notice that it has no
    /// bootstrap.servers is noise; warnings and the mock's own errors (a broker that cannot listen) still
    /// print.</summary>
    private static readonly (string Name, string Value)[] OwnerSettings =
    [
        ("client.id", "elsa-sim-mock-cluster"),
        ("log_level", "4"),
    ];

    /// <summary>Called by the marshaller of <see cref="MockClusterNative.New"/>.</summary>
    public KafkaClientHandle()
        : base(nint.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == nint.Zero;

    /// <summary>Creates an owner client; librdkafka must already be bound (<see cref="LibrdkafkaLibrary"/>).</summary>
    /// <exception cref="InvalidOperationException">When librdkafka refuses a setting or the client.</exception>
    internal static KafkaClientHandle CreateOwner()
    {
        var errorText = new byte[ErrorTextBytes];
        var conf = MockClusterNative.ConfNew();
        try
        {
            foreach (var (name, value) in OwnerSettings)
            {
                if (MockClusterNative.ConfSet(conf, name, value, errorText, ErrorTextBytes) != MockClusterNative.ConfOk)
                {
                    throw Failure($"rd_kafka_conf_set({name}={value})", errorText);
                }
            }

            var owner = MockClusterNative.New(MockClusterNative.ProducerType, conf, errorText, ErrorTextBytes);
            if (owner.IsInvalid)
            {
                owner.Dispose();
                throw Failure("rd_kafka_new", errorText);
            }

            conf = nint.Zero; // the client owns it now
            return owner;
        }
        finally
        {
            if (conf != nint.Zero)
            {
                MockClusterNative.ConfDestroy(conf);
            }
        }
    }

    protected override bool ReleaseHandle()
    {
        MockClusterNative.Destroy(handle);
        return true;
    }

    private static InvalidOperationException Failure(string call, byte[] errorText)
    {
        var length = Array.IndexOf(errorText, (byte)0);
        var reason = Encoding.UTF8.GetString(errorText, 0, length < 0 ? errorText.Length : length);
        return new InvalidOperationException(
            $"{call} failed in librdkafka {LibrdkafkaLibrary.Version} ({LibrdkafkaLibrary.FilePath}), so there is no "
            + $"client to own a mock cluster: {reason}");
    }
}
