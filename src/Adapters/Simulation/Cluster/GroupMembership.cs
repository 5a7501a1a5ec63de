using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>What both coordinators keep of their members, the same way: member ids, static instance ids, who owns which
/// partition, sessions that expire when a member goes silent, and removal (its partitions released without a revocation,
/// so a zombie's duplicates have a cause). What a removal sets off is the protocol's (<see cref="AfterRemoval"/>).</summary>
/// <typeparam name="TMember">The protocol's record of a member.</typeparam>
internal abstract class GroupMembership<TMember>(SimulatedCluster cluster) : GroupCoordinator(cluster)
    where TMember : CoordinatorMember
{
    private int _memberSequence;

    protected SortedDictionary<string, TMember> Members { get; } = new(StringComparer.Ordinal);

    /// <summary>The member that owns each assigned partition.</summary>
    protected Dictionary<TopicPartitionId, string> Owners { get; } = [];

    /// <summary>Static members: the member id each <c>group.instance.id</c> belongs to.</summary>
    protected Dictionary<string, string> Instances { get; } = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public override void ExpireSession(string memberId)
    {
        if (Members.ContainsKey(memberId))
        {
            Remove(memberId);
        }
    }

    /// <inheritdoc />
    public override bool IsMember(string? memberId) => memberId is not null && Members.ContainsKey(memberId);

    /// <inheritdoc />
    public override string? OwnerOf(TopicPartitionId partition) => Owners.GetValueOrDefault(partition);

    /// <inheritdoc />
    protected override void RestartSessions()
    {
        foreach (var member in Members.Values)
        {
            Touch(member);
        }
    }

    protected string NewMemberId(GroupClient client) => $"member-{client.Member}-{++_memberSequence}";

    /// <summary>The member was heard from now: its session expires <see cref="GroupCoordinator.SessionTimeoutMs"/> after
    /// this, unless heard from again.</summary>
    protected void Touch(TMember member)
    {
        member.LastSeenMs = Clock.NowMs;
        var id = member.Id;
        Clock.At(member.LastSeenMs + SessionTimeoutMs + 1, () => ExpireIfSilent(id));
    }

    /// <summary>Whether <paramref name="member"/>'s session is kept whatever its silence (a classic member that rejoined
    /// and waits for its round to complete).</summary>
    protected virtual bool SessionHeld(TMember member) => false;

    /// <summary>The member is no longer in the group, nor is its static instance id.</summary>
    protected void Forget(string memberId)
    {
        Members.Remove(memberId);
        foreach (var (instance, id) in Instances.ToArray())
        {
            if (id == memberId)
            {
                Instances.Remove(instance);
            }
        }
    }

    /// <summary>The member is expelled or left: what it owned is released without its revocation, then the protocol
    /// reacts (<see cref="AfterRemoval"/>).</summary>
    protected void Remove(string memberId)
    {
        Forget(memberId);
        foreach (var (tp, owner) in Owners.ToArray())
        {
            if (owner == memberId)
            {
                Owners.Remove(tp);
                Cluster.Oracle.Cause(tp);
            }
        }

        AfterRemoval();
    }

    /// <summary>What the protocol does once a member was removed: complete or start a round, or bump the group epoch.</summary>
    protected abstract void AfterRemoval();

    private void ExpireIfSilent(string memberId)
    {
        if (Available && Members.TryGetValue(memberId, out var member) && !SessionHeld(member) && Clock.NowMs - member.LastSeenMs > SessionTimeoutMs)
        {
            Remove(memberId);
        }
    }

}
