using System.Collections.Immutable;
using Elsa.Sim.Simulation;
using FsCheck;
using FsCheck.Experimental;
using FsCheck.Fluent;

namespace Elsa.Sim.Properties.Tests.Simulation;

/// <summary>Model-based test of the simulated coordinator's commit fencing: members join, rejoin, leave and force
/// rebalances in any order, static members (<c>group.instance.id</c>) come back as new clients and replace their
/// predecessors, and every commit is accepted exactly when a simple model says so — from a current member, tagged with
/// the current generation — and only accepted commits change the committed offsets.</summary>
public sealed class CoordinatorFencingModelTests
{
    [Fact]
    public void Commits_are_accepted_exactly_from_current_members_in_the_current_generation()
    {
        var property = StateMachine.ToProperty(new FencingMachine());
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), property);
    }

    /// <summary>The reference model: slots stand for members (a static member's every incarnation is a slot of its own);
    /// a join round completes when every member has joined. <see cref="Instances"/> maps a static instance to the slot that
    /// holds it.</summary>
    internal sealed record Model(
        ImmutableSortedSet<int> Members, ImmutableSortedSet<int> Joined, ImmutableSortedSet<int> Departed, bool Preparing,
        int Generation, int NextSlot, long NextOffset, ImmutableSortedDictionary<int, long> Committed,
        ImmutableSortedDictionary<int, int> Instances)
    {
        public static Model Empty { get; } = new([], [], [], false, 0, 0, 1, ImmutableSortedDictionary<int, long>.Empty,
            ImmutableSortedDictionary<int, int>.Empty);

        /// <summary>A new client of static <paramref name="instance"/> joins: it replaces the instance's current member, if
        /// any, in place (no rebalance in a stable group; joined during a round), else it joins as a new member.</summary>
        public Model JoinStatic(int slot, int instance)
        {
            if (!Instances.TryGetValue(instance, out var predecessor))
            {
                return Join(slot) with { Instances = Instances.SetItem(instance, slot) };
            }

            var next = this with
            {
                Members = Members.Remove(predecessor).Add(slot),
                Departed = Departed.Add(predecessor),
                Instances = Instances.SetItem(instance, slot),
            };
            return Preparing ? (next with { Joined = Joined.Remove(predecessor).Add(slot) }).CompleteRoundIfReady() : next;
        }

        public Model Join(int slot)
        {
            var next = Preparing ? this : this with { Preparing = true, Joined = [] };
            next = next with { Members = next.Members.Add(slot), Joined = next.Joined.Add(slot) };
            return next.CompleteRoundIfReady();
        }

        public Model Leave(int slot)
        {
            var next = this with
            {
                Members = Members.Remove(slot), Joined = Joined.Remove(slot), Departed = Departed.Add(slot),
                Instances = Instances.RemoveRange(Instances.Where(i => i.Value == slot).Select(i => i.Key)),
            };
            if (next.Preparing)
            {
                return next.CompleteRoundIfReady();
            }

            return next.Members.IsEmpty ? next : next with { Preparing = true, Joined = [] };
        }

        public Model ForceRebalance() => Preparing || Members.IsEmpty ? this : this with { Preparing = true, Joined = [] };

        private Model CompleteRoundIfReady()
        {
            if (!Preparing || !Joined.SetEquals(Members))
            {
                return this;
            }

            return Members.IsEmpty ? this with { Preparing = false } : this with { Preparing = false, Generation = Generation + 1 };
        }
    }

    /// <summary>The system under test: a real coordinator in a real (never advanced) world, and the ids it gave.</summary>
    internal sealed class Actual
    {
        public Actual()
        {
            World = new World(new SimulationOptions { Protocol = RebalanceProtocol.Eager }, seed: 1, FaultPlan.None, trace: null);
        }

        public World World { get; }

        public Dictionary<int, string> Ids { get; } = [];

        public Dictionary<int, ClassicGroupClient> Clients { get; } = [];

        public ClassicCoordinator Coordinator => (ClassicCoordinator)World.Cluster.Coordinator;

        /// <summary>A member's client on the world's cluster, static when it has an <paramref name="instance"/>; nothing it
        /// sends is ever delivered (the clock never runs).</summary>
        public ClassicGroupClient Client(int slot, int? instance = null) =>
            Clients.TryGetValue(slot, out var client) ? client : Clients[slot] =
                (ClassicGroupClient)new SimulatedPort(World.Cluster, slot, SimRandom.Stream(1, (ulong)slot), new Lifetime(), instance is { } i ? $"instance-{i}" : null).Client;
    }

    private sealed class FencingMachine() : Machine<Actual, Model>(maxNumberOfCommands: 40)
    {
        public override Arbitrary<Setup<Actual, Model>> Setup =>
            Arb.From(Gen.Constant<Setup<Actual, Model>>(new FreshCoordinator()));

        public override Gen<Operation<Actual, Model>> Next(Model model)
        {
            var operations = new List<Gen<Operation<Actual, Model>>>
            {
                Gen.Constant<Operation<Actual, Model>>(new JoinNew(model.NextSlot)),
                Gen.Choose(0, 2).Select(instance => (Operation<Actual, Model>)new JoinStatic(model.NextSlot, instance)),
                Gen.Constant<Operation<Actual, Model>>(new ForceRebalance()),
            };
            if (!model.Members.IsEmpty)
            {
                operations.Add(Gen.Elements(model.Members.ToArray()).Select(slot => (Operation<Actual, Model>)new Rejoin(slot)));
                operations.Add(Gen.Elements(model.Members.ToArray()).Select(slot => (Operation<Actual, Model>)new Leave(slot)));
            }

            var committers = model.Members.Union(model.Departed).ToArray();
            if (committers.Length > 0)
            {
                operations.Add(
                    from slot in Gen.Elements(committers)
                    from generationDelta in Gen.Elements(-1, 0, 0, 0, 1)
                    from partition in Gen.Choose(0, 2)
                    select (Operation<Actual, Model>)new Commit(slot, model.Generation + generationDelta, partition, model.NextOffset));
            }

            return Gen.OneOf(operations.ToArray());
        }
    }

    private sealed class FreshCoordinator : Setup<Actual, Model>
    {
        public override Actual Actual() => new();

        public override Model Model() => CoordinatorFencingModelTests.Model.Empty;
    }

    private static Property SameGeneration(Actual actual, Model model) =>
        (actual.Coordinator.Generation == model.Generation)
            .Label($"generation: coordinator {actual.Coordinator.Generation}, model {model.Generation}");

    private sealed class JoinNew(int slot) : Operation<Actual, Model>
    {
        public override Model Run(Model model) => model.Join(slot) with { NextSlot = slot + 1 };

        public override Property Check(Actual actual, Model model)
        {
            var (response, id) = actual.Coordinator.Join(actual.Client(slot), null, []);
            actual.Ids[slot] = id!;
            return (response == CoordinatorResponse.Ok).Label($"join of new member {slot} was {response}")
                .And(SameGeneration(actual, model));
        }

        public override string ToString() => $"JoinNew({slot})";
    }

    private sealed class JoinStatic(int slot, int instance) : Operation<Actual, Model>
    {
        public override Model Run(Model model) => model.JoinStatic(slot, instance) with { NextSlot = slot + 1 };

        public override Property Check(Actual actual, Model model)
        {
            var client = actual.Client(slot, instance);
            var (response, id) = actual.Coordinator.Join(client, null, []);
            actual.Ids[slot] = id!;
            var predecessors = actual.Clients.Where(c => c.Key != slot && c.Value.InstanceId == client.InstanceId).Select(c => c.Key);
            var stillMembers = predecessors.Where(p => actual.Coordinator.IsMember(actual.Ids[p])).ToArray();
            return (response == CoordinatorResponse.Ok).Label($"join of static member {slot} (instance {instance}) was {response}")
                .And((stillMembers.Length == 0).Label($"earlier clients of instance {instance} are still members: {string.Join(", ", stillMembers)}"))
                .And(SameGeneration(actual, model));
        }

        public override string ToString() => $"JoinStatic({slot}, instance {instance})";
    }

    private sealed class Rejoin(int slot) : Operation<Actual, Model>
    {
        public override Model Run(Model model) => model.Join(slot);

        public override Property Check(Actual actual, Model model)
        {
            var (response, id) = actual.Coordinator.Join(actual.Client(slot), actual.Ids[slot], []);
            return (response == CoordinatorResponse.Ok && id == actual.Ids[slot]).Label($"rejoin of {slot} was {response}")
                .And(SameGeneration(actual, model));
        }

        public override string ToString() => $"Rejoin({slot})";
    }

    private sealed class Leave(int slot) : Operation<Actual, Model>
    {
        public override Model Run(Model model) => model.Leave(slot);

        public override Property Check(Actual actual, Model model)
        {
            actual.Coordinator.Leave(actual.Ids[slot]);
            return SameGeneration(actual, model);
        }

        public override string ToString() => $"Leave({slot})";
    }

    private sealed class ForceRebalance : Operation<Actual, Model>
    {
        public override Model Run(Model model) => model.ForceRebalance();

        public override Property Check(Actual actual, Model model)
        {
            actual.Coordinator.ForceRebalance();
            return SameGeneration(actual, model);
        }

        public override string ToString() => "ForceRebalance";
    }

    private sealed class Commit(int slot, int generation, int partition, long offset) : Operation<Actual, Model>
    {
        private bool Accepted(Model model) => model.Members.Contains(slot) && generation == model.Generation;

        // The model after the commit; Check sees this one, so it re-derives acceptance from the model before it.
        public override Model Run(Model model) =>
            (Accepted(model) ? model with { Committed = model.Committed.SetItem(partition, offset) } : model) with { NextOffset = offset + 1 };

        public override Property Check(Actual actual, Model model)
        {
            var expected = model.Committed.TryGetValue(partition, out var committed) && committed == offset
                ? CommitOutcome.Success
                : CommitOutcome.Fenced;
            var tp = new TopicPartitionId("topic-0", partition);
            var outcome = actual.Coordinator.Commit(actual.Client(slot), actual.Ids[slot], generation, [new PartitionOffset(tp, offset)]);
            var stored = actual.Coordinator.Committed.TryGetValue(tp, out var value) ? value : (long?)null;
            var modelStored = model.Committed.TryGetValue(partition, out var m) ? m : (long?)null;
            return (outcome == expected).Label($"commit by {slot} in generation {generation} was {outcome}, model says {expected}")
                .And((stored == modelStored).Label($"committed {tp}: coordinator {stored}, model {modelStored}"));
        }

        public override string ToString() => $"Commit(member {slot}, generation {generation}, p{partition}@{offset})";
    }
}
