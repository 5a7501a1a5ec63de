namespace Elsa.Sim.Systematic.Tests.Support;

/// <summary>What the simulated world reports as it happens in one iteration: the cues a scenario or a handler waits for,
/// and the races that occurred. One per iteration, shared by the cluster, the clients, the handlers and the
/// scenario.</summary>
internal sealed class Happenings
{
    private readonly object _gate = new();
    private readonly Dictionary<(Cue Cue, string Member), TaskCompletionSource> _cues = [];
    private readonly HashSet<Race> _seen = [];

    /// <summary>Completes the first time <paramref name="cue"/> happens for <paramref name="member"/>.</summary>
    public Task When(Cue cue, string member) => Source(cue, member).Task;

    /// <summary><paramref name="cue"/> happened for <paramref name="member"/>; only the first time counts.</summary>
    public void Reach(Cue cue, string member) => Source(cue, member).TrySetResult();

    public void Saw(Race race)
    {
        lock (_gate)
        {
            _seen.Add(race);
        }
    }

    public bool Seen(Race race)
    {
        lock (_gate)
        {
            return _seen.Contains(race);
        }
    }

    private TaskCompletionSource Source(Cue cue, string member)
    {
        lock (_gate)
        {
            if (!_cues.TryGetValue((cue, member), out var source))
            {
                source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _cues[(cue, member)] = source;
            }

            return source;
        }
    }
}
