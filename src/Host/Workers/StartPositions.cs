using Elsa.Sim.Core;
using Elsa.Sim.Hosting.Port;

namespace Elsa.Sim.Hosting.Workers;

/// <summary>Turns a worker's start position into the offset it reads first. Earliest and latest are read from the broker's
/// watermarks once, before any user code of the worker runs, and the offset is reported to the group manager, so a
/// restart never resolves them again (Elsa #90).</summary>
internal static class StartPositions
{
    /// <exception cref="ConsumerPortException">When the watermarks could not be read.</exception>
    public static async ValueTask<long> ResolveAsync(IConsumerPort port, TopicPartitionId partition, StartPosition position, TimeSpan timeout)
    {
        if (position.Kind == StartPositionKind.Offset)
        {
            return position.Offset;
        }

        var watermarks = await port.QueryWatermarksAsync(partition, timeout);
        return position.Kind == StartPositionKind.Earliest ? watermarks.Low : watermarks.High;
    }
}
