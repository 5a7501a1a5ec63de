using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>What a driver may want to see of the simulated clients beyond the oracle's checks: the moments a systematic
/// test waits for before it takes its racing step, and the races it counts. Explore sees nothing; every method does
/// nothing unless a driver overrides it.</summary>
internal interface IWorldObserver
{
    /// <summary>A revoke or lost callback begins on <paramref name="member"/>'s client.</summary>
    void RevocationBegan(int member, bool lost)
    {
    }

    /// <summary>The callback returned.</summary>
    void RevocationEnded(int member)
    {
    }

    /// <summary>A commit of <paramref name="member"/> entered the network.</summary>
    void CommitSent(int member)
    {
    }

    /// <summary>A commit of <paramref name="member"/> was answered; <paramref name="member"/> was still in the group.</summary>
    void CommitAnswered(int member, CommitOutcome outcome, bool stillMember)
    {
    }

    /// <summary>The coordinator refused a commit of <paramref name="member"/>, a current member, for a stale member epoch
    /// (KIP-848): the client sends it again with its newer epoch.</summary>
    void CommitRefusedForStaleEpoch(int member)
    {
    }

    /// <summary><paramref name="member"/>'s group manager failed it.</summary>
    void MemberFailing(int member)
    {
    }

    /// <summary>The host paused (or resumed) partitions of <paramref name="member"/>; <paramref name="racingRevocation"/>:
    /// from another task while the client's revoke callback ran.</summary>
    void PausedOrResumed(int member, bool paused, bool racingRevocation)
    {
    }
}

/// <summary>The observer that sees nothing.</summary>
internal sealed class NoObserver : IWorldObserver
{
    public static NoObserver Instance { get; } = new();
}
