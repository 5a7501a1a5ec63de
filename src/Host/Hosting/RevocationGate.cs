using Elsa.Sim.Hosting.Threading;

namespace Elsa.Sim.Hosting;

/// <summary>Holds a revoke or lost callback until the group manager completed the revocation: the workers stopped, their
/// acks were committed (revoke only), and the revoked callback ran. Only then may the client hand the partitions to
/// another member.</summary>
internal sealed class RevocationGate(string partitions)
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Open() => _done.TrySetResult();

    /// <summary>Completes when the gate opens.</summary>
    /// <exception cref="TimeoutException">When the revocation did not complete within <paramref name="timeout"/>.</exception>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time)
    {
        if (!await Delays.Within(_done.Task, timeout, time))
        {
            throw new TimeoutException(
                $"the revocation of {partitions} did not complete within {timeout.TotalMilliseconds} ms " +
                "(a handler still busy with its batch, the commit, or assignments_revoked_handler); giving up the rebalance");
        }
    }
}
