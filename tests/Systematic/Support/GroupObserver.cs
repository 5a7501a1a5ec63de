using Elsa.Sim.Core;
using Elsa.Sim.Simulation;

namespace Elsa.Sim.Systematic.Tests.Support;

/// <summary>What a scenario sees of the simulated clients besides the oracle's checks: the cues it waits for, and the races
/// it counts, noted the moment they happen.</summary>
internal sealed class GroupObserver(TestGroup group) : IWorldObserver
{
    private readonly Dictionary<int, int> _commitsInFlight = [];

    /// <summary>Whether a commit of <paramref name="member"/> is in the network.</summary>
    public bool CommitInFlight(int member) => _commitsInFlight.GetValueOrDefault(member) > 0;

    public void RevocationBegan(int member, bool lost)
    {
        var name = group.NameOf(member);
        if (group.Ledger.BatchesInHand(name) > 0)
        {
            group.Happenings.Saw(Race.RevocationDuringBatch);
        }

        group.Happenings.Reach(Cue.RevocationBegan, name);
    }

    public void CommitSent(int member)
    {
        _commitsInFlight[member] = _commitsInFlight.GetValueOrDefault(member) + 1;
        group.Happenings.Reach(Cue.CommitEntered, group.NameOf(member));
    }

    public void CommitAnswered(int member, CommitOutcome outcome, bool stillMember)
    {
        _commitsInFlight[member]--;
        if (outcome == CommitOutcome.Fenced && stillMember)
        {
            group.Happenings.Saw(Race.CommitFencedByNewGeneration);
        }
    }

    public void CommitRefusedForStaleEpoch(int member) => group.Happenings.Saw(Race.CommitRefusedForStaleEpoch);

    public void MemberFailing(int member)
    {
        if (group.Cluster.Coordinator.Preparing)
        {
            group.Happenings.Saw(Race.FailureWithRebalanceQueued);
        }
    }

    public void PausedOrResumed(int member, bool paused, bool racingRevocation)
    {
        if (racingRevocation)
        {
            group.Happenings.Saw(Race.PauseOrResumeDuringRevocation);
        }

        if (paused)
        {
            group.Happenings.Reach(Cue.Paused, group.NameOf(member));
        }
    }
}
