using Elsa.Sim.Core;
using Elsa.Sim.Hosting.Port;
using Elsa.Sim.Hosting.Threading;

namespace Elsa.Sim.Simulation;

/// <summary>The simulated cluster's dead-letter destination for one member, under
/// <see cref="RestartExhaustedPolicy.DeadLetter"/>: each write takes a little virtual time and fails one time in four (a
/// destination that is down for a while), so the host's retries run; what it writes goes to the oracle, which checks the
/// restart budget was really spent and counts the message as handled from then on.</summary>
internal sealed class SimulatedDeadLetters(Oracle oracle, SimClock clock, MemberProcess member, RestartConfig restart) : IDeadLetterWriter
{
    // Writes already announced to the oracle: the budget is checked at the first attempt, when the crash that spent it
    // is recent; a retry may come after the restart window moved on.
    private readonly HashSet<(TopicPartitionId, long)> _requested = [];

    public async ValueTask WriteAsync(DeadLetterMessage letter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(letter);
        var partition = new TopicPartitionId(letter.Message.Topic, letter.Message.Partition);
        if (_requested.Add((partition, letter.Message.Offset)))
        {
            oracle.DeadLetterRequested(member.Index, partition, letter.Message.Offset, restart);
        }

        await Delays.Cancellable(clock, TimeSpan.FromMilliseconds(member.Random.Between(1, 50)), cancellationToken);
        if (member.Random.Chance(0.25))
        {
            throw new IOException("the simulated dead-letter destination is unavailable");
        }

        // Written: a later dead letter of the same message (after a reassignment) spends a budget of its own, checked again.
        _requested.Remove((partition, letter.Message.Offset));
        oracle.DeadLettered(member.Index, partition, letter.Message.Offset);
    }
}
