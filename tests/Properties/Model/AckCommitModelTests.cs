using System.Collections.Immutable;
using FsCheck;
using FsCheck.Experimental;
using FsCheck.Fluent;

namespace Elsa.Sim.Properties.Tests.Model;

/// <summary>Model-based test of the ack and commit bookkeeping: one member owning three partitions takes deliveries,
/// acks (valid, stale, from the future, backwards, past what was delivered, negative), ticks past the commit interval,
/// commit results in any order (success, retriable, fenced), worker crashes and restarts, new generations, and member
/// restarts. A reference model, written from the semantics table and not from the machine's code, says what every step
/// must emit (commits, worker starts) and what must be committed; the real machine must agree after every operation.</summary>
public sealed class AckCommitModelTests
{
    [Fact]
    public void Acks_commits_crashes_and_restarts_follow_the_reference_model()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2_000), StateMachine.ToProperty(new AckCommitMachine()));
    }

    private sealed class AckCommitMachine() : Machine<MemberUnderTest, AckModel>(maxNumberOfCommands: 60)
    {
        public override Arbitrary<Setup<MemberUnderTest, AckModel>> Setup { get; } = Arb.From(
            from directAck in Gen.Elements(false, true)
            from committed in Gen.ArrayOf(Gen.Elements<long?>(null, 0, 5), AckModel.PartitionCount)
            select (Setup<MemberUnderTest, AckModel>)new FreshMember(directAck, [.. committed]));

        public override Gen<Operation<MemberUnderTest, AckModel>> Next(AckModel model)
        {
            var partition = Gen.Choose(0, AckModel.PartitionCount - 1);
            var operations = new List<(int, Gen<Operation<MemberUnderTest, AckModel>>)>
            {
                (6, from p in partition
                    from count in Gen.Choose(1, 5)
                    select (Operation<MemberUnderTest, AckModel>)new Deliver(p, count)),
                (8, from p in partition
                    from kind in Gen.Frequency(
                        (4, Gen.Constant(AckChoice.Valid)), (2, Gen.Constant(AckChoice.LastDelivered)), (1, Gen.Elements(Enum.GetValues<AckChoice>())))
                    from pick in Gen.Choose(0, 1_000)
                    select (Operation<MemberUnderTest, AckModel>)new Ack(p, kind, pick)),
                (5, Gen.Elements(1L, 99L, 100L, 500L, 1_000L, 2_500L).Select(ms => (Operation<MemberUnderTest, AckModel>)new Tick(ms))),
                (2, partition.Select(p => (Operation<MemberUnderTest, AckModel>)new Crash(p))),
                (2, partition.Select(p => (Operation<MemberUnderTest, AckModel>)new Position(p))),
                (1, Gen.Constant<Operation<MemberUnderTest, AckModel>>(new NewGeneration())),
                (1, Gen.Constant<Operation<MemberUnderTest, AckModel>>(new RestartMember())),
            };
            if (!model.InFlight.IsEmpty)
            {
                operations.Add((6,
                    from index in Gen.Choose(0, model.InFlight.Count - 1)
                    from outcome in Gen.Frequency(
                        (3, Gen.Constant(CommitOutcome.Success)), (1, Gen.Constant(CommitOutcome.RetriableError)), (1, Gen.Constant(CommitOutcome.Fenced)))
                    select (Operation<MemberUnderTest, AckModel>)new CompleteCommit(index, outcome)));
            }

            return Gen.Frequency(operations);
        }
    }

    private sealed class FreshMember(bool directAck, ImmutableArray<long?> committed) : Setup<MemberUnderTest, AckModel>
    {
        public override MemberUnderTest Actual()
        {
            var member = new MemberUnderTest(AckModel.Config(directAck));
            member.Join(1, committed, nowMs: 0);
            return member;
        }

        public override AckModel Model() => AckModel.Joined(directAck, committed, generation: 1, nowMs: 0);

        public override string ToString() => $"FreshMember(directAck={directAck}, committed=[{string.Join(", ", committed.Select(c => c?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"))}])";
    }

    /// <summary>The real machine, stepped with invariant checks; each operation sends the event its model resolved.</summary>
    internal sealed class MemberUnderTest(GroupConfig config)
    {
        private readonly GroupMachine _machine = new(config);

        public GroupState State { get; private set; } = GroupState.Initial;

        public IReadOnlyList<GroupEffect> Apply(GroupEvent @event)
        {
            var transition = _machine.Step(State, @event);
            GroupInvariants.Check(State, transition);
            State = transition.State;
            return transition.Effects;
        }

        /// <summary>A fresh member (crashed and restarted) joins at the committed offsets: time, assignment, callbacks.</summary>
        public IReadOnlyList<GroupEffect> Join(int generation, ImmutableArray<long?> committed, long nowMs)
        {
            State = GroupState.Initial;
            var effects = new List<GroupEffect>(Apply(new GroupEvent.Tick(nowMs)));
            var assignments = committed.Select((c, i) => new Assignment(AckModel.Partition(i), c)).ToValueList();
            effects.AddRange(Apply(new GroupEvent.AssignmentsReceived("member-1", generation, assignments)));
            for (var i = 0; i < effects.Count; i++)
            {
                if (effects[i] is GroupEffect.InvokeAssignmentReceived invoke)
                {
                    effects.AddRange(Apply(new GroupEvent.AssignmentHandlerReturned(invoke.Partition, invoke.GenerationId, CallbackOutcome.Ok)));
                }
            }

            return effects;
        }
    }

    /// <summary>Runs the event the model resolved and compares what the machine did with what the model expects.</summary>
    private abstract class ModelOperation : Operation<MemberUnderTest, AckModel>
    {
        public override Property Check(MemberUnderTest actual, AckModel model)
        {
            var before = actual.State;
            var effects = Execute(actual, model);
            var emitted = effects.Where(e => e is GroupEffect.StartWorker or GroupEffect.CommitOffsets or GroupEffect.StopWorker or GroupEffect.Fail).ToList();
            var committed = actual.State.CommittedOffsets("orders");
            var expectedCommitted = model.Committed();
            var acked = actual.State.Partitions.Values.Select(p => p.LastAckedOffset).ToList();
            var expectedAcked = model.Partitions.Select(p => p.LastAcked).ToList();
            return emitted.SequenceEqual(model.Expected)
                .Label($"effects: machine [{string.Join(", ", emitted)}], model [{string.Join(", ", model.Expected)}]")
                .And(committed.SequenceEqual(expectedCommitted)
                    .Label($"committed: machine [{string.Join(", ", committed)}], model [{string.Join(", ", expectedCommitted)}]"))
                .And(acked.SequenceEqual(expectedAcked)
                    .Label($"last acked: machine [{string.Join(", ", acked)}], model [{string.Join(", ", expectedAcked)}]"))
                .And((!model.Ignored || before.Equals(actual.State)).Label("an ignored event changed the state"));
        }

        protected virtual IReadOnlyList<GroupEffect> Execute(MemberUnderTest actual, AckModel model) => actual.Apply(model.Event!);
    }

    private sealed class Deliver(int partition, int count) : ModelOperation
    {
        public override bool Pre(AckModel model) => model.Partitions[partition].Worker is not null;

        public override AckModel Run(AckModel model) => model.Deliver(partition, count);

        public override string ToString() => $"Deliver(p{partition}, {count})";
    }

    private sealed class Ack(int partition, AckChoice kind, int pick) : ModelOperation
    {
        public override AckModel Run(AckModel model) => model.Ack(partition, kind, pick);

        public override string ToString() => $"Ack(p{partition}, {kind}, {pick})";
    }

    private sealed class Tick(long deltaMs) : ModelOperation
    {
        public override AckModel Run(AckModel model) => model.Tick(deltaMs);

        public override string ToString() => $"Tick(+{deltaMs} ms)";
    }

    private sealed class CompleteCommit(int index, CommitOutcome outcome) : ModelOperation
    {
        public override bool Pre(AckModel model) => index < model.InFlight.Count;

        public override AckModel Run(AckModel model) => model.CompleteCommit(index, outcome);

        public override string ToString() => $"CompleteCommit(#{index}, {outcome})";
    }

    private sealed class Position(int partition) : ModelOperation
    {
        public override bool Pre(AckModel model) => model.Partitions[partition].Worker is not null;

        public override AckModel Run(AckModel model) => model.Position(partition);

        public override string ToString() => $"Position(p{partition})";
    }

    private sealed class Crash(int partition) : ModelOperation
    {
        public override bool Pre(AckModel model) => model.Partitions[partition].Worker is not null;

        public override AckModel Run(AckModel model) => model.Crash(partition);

        public override string ToString() => $"Crash(p{partition})";
    }

    private sealed class NewGeneration : ModelOperation
    {
        public override AckModel Run(AckModel model) => model.NewGeneration();

        public override string ToString() => "NewGeneration";
    }

    private sealed class RestartMember : ModelOperation
    {
        public override AckModel Run(AckModel model) => model.RestartMember();

        protected override IReadOnlyList<GroupEffect> Execute(MemberUnderTest actual, AckModel model) =>
            actual.Join(model.Generation, [.. model.Partitions.Select(p => p.Committed)], model.NowMs);

        public override string ToString() => "RestartMember";
    }
}

/// <summary>The kinds of ack the model test sends.</summary>
internal enum AckChoice
{
    /// <summary>Above what was acked or committed, at most what was delivered.</summary>
    Valid,

    /// <summary>The last delivered offset.</summary>
    LastDelivered,

    /// <summary>At or below the last ack.</summary>
    Backwards,

    /// <summary>Past what was delivered.</summary>
    PastDelivered,

    /// <summary>From a generation before this ownership.</summary>
    StaleGeneration,

    /// <summary>From a generation after the current one.</summary>
    FutureGeneration,

    /// <summary>A negative offset.</summary>
    Negative,
}
