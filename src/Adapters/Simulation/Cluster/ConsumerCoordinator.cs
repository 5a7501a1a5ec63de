using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>The group coordinator of KIP-848's consumer protocol (<c>group.protocol=consumer</c>): no join rounds, only
/// heartbeats. Every change of membership (or a forced rebalance) bumps the group epoch and computes each member's target
/// assignment on the server (sticky). Each member then reconciles on its own, without stopping the others: it first
/// revokes what its target no longer has (its epoch stays), then its member epoch advances to the target's and it is
/// handed the target's partitions as their previous owners release them. Commits are fenced by member id and member
/// epoch: a commit stamped with an older epoch is refused (STALE_MEMBER_EPOCH, and sent again with the newer one). A
/// member that does not revoke within the rebalance timeout, or whose session expires, is removed and its partitions
/// released.</summary>
internal sealed class ConsumerCoordinator(SimulatedCluster cluster) : GroupMembership<ConsumerCoordinator.Member>(cluster)
{
    /// <summary>The group epoch: bumped by every change of membership and every forced rebalance.</summary>
    public int GroupEpoch { get; private set; }

    /// <inheritdoc />
    public override bool Preparing => Members.Values.Any(m => !m.Reconciled);

    /// <summary>ConsumerGroupHeartbeat: joins (no member id yet), or reports what the member owns now and learns its member
    /// epoch and the partitions it is to own (fewer while it must revoke, more as others release them).</summary>
    public HeartbeatAnswer Heartbeat(GroupClient client, string? memberId, int epoch, IReadOnlyList<TopicPartitionId> owned)
    {
        if (!Available)
        {
            return HeartbeatAnswer.Retriable;
        }

        Member? member;
        if (memberId is null)
        {
            member = client.InstanceId is { } instance && Instances.TryGetValue(instance, out var predecessor)
                ? Replace(predecessor, client)
                : Add(client);
        }
        else if (!Members.TryGetValue(memberId, out member) || epoch != member.Epoch)
        {
            // UNKNOWN_MEMBER_ID or FENCED_MEMBER_EPOCH: the member has lost its partitions and rejoins as a new one.
            if (member is not null)
            {
                Remove(member.Id);
            }

            return HeartbeatAnswer.UnknownMember;
        }

        Touch(member);
        Reconcile(member, owned);
        return new HeartbeatAnswer(CoordinatorResponse.Ok, member.Id, member.Epoch, [.. member.Assigned.Intersect(member.Target).Order()]);
    }

    /// <summary>A dynamic member leaves (a heartbeat with epoch -1): its partitions are released at once.</summary>
    public void Leave(string memberId)
    {
        if (Available && Members.ContainsKey(memberId))
        {
            Remove(memberId);
        }
    }

    /// <summary>The member epoch of <paramref name="memberId"/>, or null when it is not a member.</summary>
    public int? EpochOf(string memberId) => Members.TryGetValue(memberId, out var member) ? member.Epoch : null;

    /// <summary>Whether <paramref name="memberId"/> is a member at <paramref name="epoch"/> and owns exactly its target.</summary>
    public bool IsStable(string memberId, int epoch) => Members.TryGetValue(memberId, out var member) && member.Epoch == epoch && member.Reconciled;

    /// <inheritdoc />
    public override bool ForceRebalance()
    {
        if (Members.Count == 0 || !Available)
        {
            return false;
        }

        BumpGroupEpoch();
        return true;
    }

    /// <inheritdoc />
    public override bool PartitionsChanged() => Members.Count == 0 || ForceRebalance();

    /// <summary>UNKNOWN_MEMBER_ID is fenced; STALE_MEMBER_EPOCH is an error the client answers by stamping its newer
    /// epoch on the next commit, as the Kafka adapter classifies it.</summary>
    protected override CommitOutcome? Refuses(GroupClient client, string memberId, int stamp)
    {
        if (!Members.TryGetValue(memberId, out var member))
        {
            return CommitOutcome.Fenced;
        }

        if (member.Epoch == stamp)
        {
            return null;
        }

        Cluster.Observer.CommitRefusedForStaleEpoch(client.Member);
        return CommitOutcome.RetriableError;
    }

    private Member Add(GroupClient client)
    {
        var member = new Member(NewMemberId(client));
        Members.Add(member.Id, member);
        if (client.InstanceId is { } instance)
        {
            Instances[instance] = member.Id;
        }

        BumpGroupEpoch();
        return member;
    }

    /// <summary>A static member's new incarnation (same <c>group.instance.id</c>, epoch 0) takes its predecessor's place,
    /// assignment and epoch, without a new group epoch; the predecessor is fenced from now on.</summary>
    private Member Replace(string predecessorId, GroupClient client)
    {
        var predecessor = Members[predecessorId];
        Forget(predecessorId);
        var member = new Member(NewMemberId(client))
        {
            Epoch = predecessor.Epoch,
            TargetEpoch = predecessor.TargetEpoch,
            Target = predecessor.Target,
            Assigned = predecessor.Assigned,
        };
        Members.Add(member.Id, member);
        Instances[client.InstanceId!] = member.Id;
        foreach (var tp in member.Assigned)
        {
            Owners[tp] = member.Id;
            Cluster.Oracle.Cause(tp);
        }

        return member;
    }

    /// <summary>The member's side of the reconciliation: what it no longer reports owning among the partitions it is
    /// revoking is released; once it revokes nothing more, its epoch advances to its target's and it takes the target's
    /// partitions nobody owns.</summary>
    private void Reconcile(Member member, IReadOnlyList<TopicPartitionId> owned)
    {
        foreach (var tp in member.Assigned.Except(member.Target).ToArray())
        {
            if (!owned.Contains(tp))
            {
                member.Assigned.Remove(tp);
                Owners.Remove(tp);
            }
        }

        if (!member.Assigned.IsSubsetOf(member.Target))
        {
            StartRevocationTimeout(member);
            return;
        }

        member.Epoch = member.TargetEpoch;
        foreach (var tp in member.Target.Order())
        {
            if (Owners.TryAdd(tp, member.Id))
            {
                member.Assigned.Add(tp);
            }
        }
    }

    /// <summary>A member that still has not revoked what its targets took away when the rebalance timeout runs out is
    /// removed (fenced), so its partitions can move on. The timeout runs from the first answer that asked it to revoke,
    /// keyed on its member epoch (which stays while it revokes), so new group epochs meanwhile do not restart it; one
    /// that comes due while the coordinator is moving is started again by the member's next heartbeat.</summary>
    private void StartRevocationTimeout(Member member)
    {
        if (member.RevocationTimeoutEpoch == member.Epoch)
        {
            return;
        }

        member.RevocationTimeoutEpoch = member.Epoch;
        var (id, epoch) = (member.Id, member.Epoch);
        Clock.After(SessionTimeoutMs, () =>
        {
            if (!Members.TryGetValue(id, out var m) || m.Epoch != epoch || m.Assigned.IsSubsetOf(m.Target))
            {
                return;
            }

            if (Available)
            {
                Remove(id);
            }
            else
            {
                m.RevocationTimeoutEpoch = -1;
            }
        });
    }

    /// <inheritdoc />
    protected override void AfterRemoval()
    {
        if (Members.Count > 0)
        {
            BumpGroupEpoch();
        }
    }

    /// <summary>A new group epoch and, for each member, a new target assignment, sticky to its last target.</summary>
    private void BumpGroupEpoch()
    {
        GroupEpoch++;
        var members = Members.Values.ToList();
        var targets = StickyAssignor.Assign([.. members.Select(m => (IReadOnlyList<TopicPartitionId>)[.. m.Target])], Cluster.Partitions, withholdOverShare: false);
        for (var i = 0; i < members.Count; i++)
        {
            members[i].Target = [.. targets[i]];
            members[i].TargetEpoch = GroupEpoch;
        }
    }

    internal sealed class Member(string id) : CoordinatorMember(id)
    {
        public int Epoch { get; set; }

        public int TargetEpoch { get; set; }

        public HashSet<TopicPartitionId> Target { get; set; } = [];

        /// <summary>What the coordinator counts as the member's: kept until it reports having revoked it.</summary>
        public HashSet<TopicPartitionId> Assigned { get; init; } = [];

        /// <summary>The member epoch whose revocation timeout runs, or -1.</summary>
        public int RevocationTimeoutEpoch { get; set; } = -1;

        public bool Reconciled => Epoch == TargetEpoch && Assigned.SetEquals(Target);
    }
}
