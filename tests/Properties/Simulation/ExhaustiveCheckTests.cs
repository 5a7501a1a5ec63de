using Elsa.Sim.PlantedBugs;
using Elsa.Sim.Simulation;
using Xunit.Abstractions;

namespace Elsa.Sim.Properties.Tests.Simulation;

/// <summary>Exhaustive checking (<see cref="ModelChecker"/>, <c>elsa-sim check</c>): the real machine has no violation in
/// every world of small bounds; every core planted bug is found, with a path that replays to the same violation and
/// that the real machine survives; a reset landing where the policy does not point is caught; and the path is a shortest
/// one.</summary>
public sealed class ExhaustiveCheckTests(ITestOutputHelper output)
{
    private static readonly CheckBounds Tiny = new() { Members = 1, Partitions = 1, Messages = 1, Faults = 1 };

    /// <summary>Where each core planted bug is looked for: the smallest bounds that can show it.</summary>
    private static readonly Dictionary<string, CheckBounds> BugBounds = new()
    {
        [nameof(AcceptsStaleAcks)] = Tiny,
        [nameof(CommitAfterCompletingRevocation)] = Tiny,
        [nameof(CommitsAfterLoss)] = Tiny with { Members = 2 },
        [nameof(CommitsBeforeHandling)] = Tiny with { Faults = 0 },
        [nameof(DropsAcksDuringRevocation)] = Tiny,
        [nameof(FencedCommitTakenAsDone)] = Tiny with { Members = 2 },
        [nameof(IgnoresCommittedOffsets)] = Tiny with { Messages = 2 },
        [nameof(ParksCrashedPartitions)] = Tiny,
        // A reset to latest that lands past an ack, a message produced after it, then a crash: retention and the crash
        // are the two faults.
        [nameof(ResetPositionDoesNotStick)] = Tiny with { Messages = 3, Faults = 2, ResetPolicy = OffsetResetPolicy.ResetToLatest },
        [nameof(RestartsAtLatest)] = Tiny,
        [nameof(RestartsAtSymbolicStart)] = Tiny with { BeginOffset = StartPosition.Latest },
        [nameof(RevocationCompletesEarly)] = Tiny,
        [nameof(RevocationNeverCompletes)] = Tiny,
        [nameof(RevokesWithoutStoppingWorkers)] = Tiny,
        // An interval commit confirmed, a second one in flight, a third ack, then the shutdown (the one fault): its commit
        // lands after the one in flight, below it.
        [nameof(ShutdownCommitsBelowAcked)] = Tiny with { Messages = 3 },
        [nameof(ShutdownCompletesEarly)] = Tiny,
        [nameof(SkipsPastAckGap)] = Tiny,
        [nameof(StartsBeforeOldWorkerStopped)] = Tiny,
    };

    public static TheoryData<string> CoreBugs => [.. PlantedBug.All.Where(b => b.Layer == "core").Select(b => b.Name)];

    [Theory]
    [InlineData(2, 1, 1, 1, "earliest", OffsetResetPolicy.ResetToEarliest, 2_000)]
    [InlineData(1, 1, 2, 2, "earliest", OffsetResetPolicy.ResetToEarliest, 10_000)]
    [InlineData(1, 2, 1, 1, "earliest", OffsetResetPolicy.ResetToEarliest, 2_000)]
    [InlineData(1, 1, 2, 1, "latest", OffsetResetPolicy.ResetToEarliest, 2_000)]
    [InlineData(1, 1, 2, 2, "earliest", OffsetResetPolicy.ResetToLatest, 10_000)]
    public void The_real_machine_has_no_violation_in_every_world_of_small_bounds(int members, int partitions, int messages, int faults, string begin, OffsetResetPolicy reset, int atLeastStates)
    {
        Assert.True(StartPosition.TryParse(begin, out var beginOffset));
        var bounds = new CheckBounds { Members = members, Partitions = partitions, Messages = messages, Faults = faults, BeginOffset = beginOffset, ResetPolicy = reset };

        var result = ModelChecker.Check(new GroupMachine(bounds.Config()), bounds);

        output.WriteLine($"{bounds}: {result.States} states, {result.Transitions} transitions, depth {result.MaxDepth}, {result.Wall.TotalMilliseconds:0} ms");
        Assert.True(result.Passed, $"{result.Violation}");
        Assert.Equal(CheckCutoff.None, result.Cutoff);
        Assert.True(result.States >= atLeastStates, $"only {result.States} states: the world hardly moved");
    }

    [Fact]
    public void Every_core_planted_bug_has_bounds()
    {
        var core = PlantedBug.All.Where(b => b.Layer == "core").Select(b => b.Name).Order().ToList();

        Assert.Equal(core, BugBounds.Keys.Order().ToList());
    }

    [Theory]
    [MemberData(nameof(CoreBugs))]
    public void A_core_planted_bug_is_found_with_a_path_that_replays_to_it_at_bounds_the_real_machine_passes(string name)
    {
        var bounds = BugBounds[name];
        var planted = PlantedBug.Named(name).Machine!(bounds.Config());

        var result = ModelChecker.Check(planted, bounds);

        Assert.True(result.Violation is not null, $"{name} not found in {result.States} states at {bounds}");
        var (story, replayed) = ModelChecker.Replay(planted, bounds, result.Path);
        output.WriteLine($"{name} at {bounds}: {result.Violation} after {result.States} states, path of {result.Path.Count}:");
        output.WriteLine(string.Join(Environment.NewLine, story.Select((line, i) => $"{i + 1,3}. {line}")));
        Assert.Equal(result.Violation, replayed);
        Assert.Equal(result.Path.Count, story.Count);
        Assert.Equal(result.MaxDepth, result.Path.Count);
        var real = ModelChecker.Check(new GroupMachine(bounds.Config()), bounds);
        Assert.True(real.Passed, $"the real machine fails at the same bounds: {real.Violation}");
    }

    [Fact]
    public void A_reset_landing_past_where_the_policy_points_is_caught()
    {
        // The world's policy is earliest; the machine resets to latest, past a message produced after retention emptied
        // the log. Only what the policy skips is excused: that message is not.
        var bounds = Tiny with { Messages = 2, BeginOffset = StartPosition.Latest };
        var resetsToLatest = new GroupMachine((bounds with { ResetPolicy = OffsetResetPolicy.ResetToLatest }).Config());

        var result = ModelChecker.Check(resetsToLatest, bounds);

        output.WriteLine($"{result.Violation} after {result.States} states, path of {result.Path.Count}:");
        output.WriteLine(string.Join(Environment.NewLine, ModelChecker.Replay(resetsToLatest, bounds, result.Path).Story));
        Assert.Contains(result.Violation?.Kind, new[] { ViolationKinds.CommitPastUnhandled, ViolationKinds.LostMessage });
        Assert.True(ModelChecker.Check(new GroupMachine(bounds.Config()), bounds).Passed);
    }

    [Theory]
    [InlineData(nameof(CommitsBeforeHandling))]
    [InlineData(nameof(RestartsAtLatest))]
    [InlineData(nameof(DropsAcksDuringRevocation))]
    public void The_path_to_a_violation_is_a_shortest_one(string name)
    {
        // Every schedule one action shorter than the path, tried one by one (no visited set, no shortcut): none breaks.
        var bounds = BugBounds[name];
        var planted = PlantedBug.Named(name).Machine!(bounds.Config());
        var result = ModelChecker.Check(planted, bounds);
        Assert.NotNull(result.Violation);
        var model = new WorldModel(planted, bounds);

        Assert.Equal(0, CountViolatingPaths(model, model.Initial(), result.Path.Count - 1));
        Assert.True(CountViolatingPaths(model, model.Initial(), result.Path.Count) > 0);
    }

    [Fact]
    public void The_same_check_visits_the_same_worlds_and_finds_the_same_path()
    {
        var bounds = Tiny with { Members = 2 };
        var planted = PlantedBug.Named(nameof(FencedCommitTakenAsDone)).Machine!;

        var first = ModelChecker.Check(planted(bounds.Config()), bounds);
        var second = ModelChecker.Check(planted(bounds.Config()), bounds);

        Assert.Equal((first.States, first.Transitions, first.Violation), (second.States, second.Transitions, second.Violation));
        Assert.Equal(first.Path, second.Path);
    }

    [Fact]
    public void A_shutdowns_last_chance_commit_lands_before_the_member_leaves()
    {
        // On Kafka the OffsetCommit goes out before the LeaveGroup on the same connection: the coordinator stores it.
        var model = new WorldModel(new GroupMachine(Tiny.Config()), Tiny with { Members = 2 });
        var world = model.Initial();
        foreach (var (kind, member) in new[]
        {
            (ActionKind.Assign, -1), (ActionKind.DeliverAssignment, 0), (ActionKind.ReturnCallback, 0), (ActionKind.PositionWorker, 0),
            (ActionKind.DeliverMessage, 0), (ActionKind.HandleMessage, 0), (ActionKind.DeliverAck, 0), (ActionKind.Shutdown, 0),
            (ActionKind.ConfirmStop, 0),
        })
        {
            var action = EnabledActions.Of(model, world).First(a => a.Kind == kind && a.Member == member);
            var step = model.Apply(world, action);
            Assert.Null(step.Violation);
            world = step.Next;
        }

        Assert.Equal(Membership.Leaving, world.Members[0].Membership);
        Assert.False(world.Coordinator.Rebalancing);
        var answered = model.Apply(world, new WorldAction(ActionKind.AnswerCommit, 0));

        output.WriteLine(answered.Story);
        Assert.Null(answered.Violation);
        Assert.EndsWith(": success", answered.Story, StringComparison.Ordinal);
        Assert.Equal(1, answered.Next.Partitions[0].Committed);
        Assert.Equal(Membership.Left, answered.Next.Members[0].Membership);
        Assert.True(answered.Next.Coordinator.Rebalancing);
    }

    [Fact]
    public void A_check_cut_by_the_depth_bound_says_so()
    {
        var bounds = Tiny with { MaxDepth = 5 };

        var result = ModelChecker.Check(new GroupMachine(bounds.Config()), bounds);

        Assert.True(result.Passed);
        Assert.Equal(CheckCutoff.Depth, result.Cutoff);
        Assert.Equal(5, result.MaxDepth);
    }

    /// <summary>How many schedules of at most <paramref name="depth"/> actions from <paramref name="world"/> break
    /// something, the quiet world's rules included.</summary>
    private static int CountViolatingPaths(WorldModel model, BoundedWorld world, int depth)
    {
        var actions = EnabledActions.Of(model, world);
        if (actions.TrueForAll(a => a.IsFault) && QuietWorld.Check(world) is not null)
        {
            return 1;
        }

        var found = 0;
        foreach (var action in depth > 0 ? actions : [])
        {
            var step = model.Apply(world, action);
            found += step.Violation is not null ? 1 : CountViolatingPaths(model, step.Next, depth - 1);
        }

        return found;
    }
}
