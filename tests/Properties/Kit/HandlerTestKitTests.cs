using Elsa.Sim.PlantedBugs;
using Elsa.Sim.Simulation;
using Elsa.Sim.Testing;
using Xunit.Abstractions;

namespace Elsa.Sim.Properties.Tests.Kit;

/// <summary>The handler test kit, tested on handlers with known behaviour: a correct one passes every property, a
/// planted idempotence bug is found and shrunk to a short story that replays, a handler that never acks breaks
/// at-least-once, and each property reports only its own violations.</summary>
public sealed class HandlerTestKitTests(ITestOutputHelper output)
{
    private static readonly HandlerTestOptions FewSeeds = new() { Seeds = 20 };

    [Fact]
    public void A_deduplicating_handler_passes_at_least_once_idempotence_and_no_handling_after_revocation()
    {
        var kit = new HandlerTestKit<Tally>(() => new Tally(), t => new DedupingTallyHandler(t), FewSeeds);

        var results = new[] { kit.AtLeastOnce(), kit.IdempotentUnderRedelivery(t => t.Describe()), kit.NoHandlingAfterRevocation() };

        foreach (var result in results)
        {
            output.WriteLine(result.ToString());
            Assert.True(result.Passed, result.ToString());
            Assert.Equal(FewSeeds.Seeds, result.SeedsRun);
        }
    }

    [Fact]
    public void The_user_handler_is_what_runs_and_it_sees_every_message()
    {
        Tally? last = null;
        var kit = new HandlerTestKit<Tally>(() => last = new Tally(), t => new DedupingTallyHandler(t), FewSeeds with { Seeds = 1 });

        var result = kit.AtLeastOnce();

        Assert.True(result.Passed, result.ToString());
        Assert.NotNull(last);
        Assert.True(last.Batches > 0, "the handler was never called");
        Assert.True(last.Applied.Count > 100, $"only {last.Applied.Count} messages reached the handler");
    }

    [Fact]
    public void A_handler_that_throws_crashes_its_worker_which_is_restarted_so_every_message_is_still_handled()
    {
        var tallies = new List<Tally>();
        var kit = new HandlerTestKit<Tally>(() => { var t = new Tally(); tallies.Add(t); return t; }, t => new SometimesThrowingTallyHandler(t), FewSeeds);

        var atLeastOnce = kit.AtLeastOnce();
        var idempotent = kit.IdempotentUnderRedelivery(t => t.Describe());

        Assert.True(atLeastOnce.Passed, atLeastOnce.ToString());
        Assert.True(idempotent.Passed, idempotent.ToString());
        Assert.True(tallies.Sum(t => t.Throws) > 0, "no handler ever threw");
        Assert.True(tallies.Sum(t => t.Inits) >= 5, "no handler ever failed to initialise");
    }

    [Fact]
    public void A_handler_that_counts_redelivered_messages_again_is_found_and_shrunk_to_a_short_story_that_replays()
    {
        var kit = new HandlerTestKit<Tally>(() => new Tally(), t => new DoubleCountingTallyHandler(t));

        var result = kit.IdempotentUnderRedelivery(t => t.Describe());

        output.WriteLine(result.ToString());
        Assert.False(result.Passed);
        Assert.Equal(HandlerTestKit<Tally>.NotIdempotent, result.Shrunk!.Minimal.Violation!.Kind);
        Assert.InRange(result.ShrunkLength!.Value, 0, 5);
        Assert.Contains($"seed {result.FailingSeed}", result.Story, StringComparison.Ordinal);
        var replay = kit.IdempotentUnderRedelivery(t => t.Describe(),
            options: kit.Options with { FirstSeed = result.FailingSeed!.Value, Seeds = 1, Plan = result.Shrunk.Minimal.Plan });
        Assert.False(replay.Passed, "the shrunk schedule does not fail again");
        Assert.True(kit.AtLeastOnce(FewSeeds).Passed, "double counting is not an at-least-once problem");
    }

    [Fact]
    public void A_handler_that_never_acks_breaks_at_least_once_but_not_the_revocation_property()
    {
        var kit = new HandlerTestKit<Tally>(() => new Tally(), t => new NeverAckingHandler(t), FewSeeds with { Seeds = 2, MaxShrinkRuns = 20 });

        var atLeastOnce = kit.AtLeastOnce();
        var revocation = kit.NoHandlingAfterRevocation();

        output.WriteLine(atLeastOnce.ToString());
        Assert.False(atLeastOnce.Passed);
        Assert.Equal(ViolationKinds.Liveness, atLeastOnce.Failure!.Violation!.Kind);
        Assert.True(revocation.Passed, revocation.ToString());
    }

    [Fact]
    public void A_manager_that_revokes_without_stopping_workers_is_caught_handing_batches_after_revocation()
    {
        var planted = HandlerTestOptions.DefaultShape with { MachineName = nameof(RevokesWithoutStoppingWorkers), MachineFactory = c => new RevokesWithoutStoppingWorkers(c) };
        var kit = new HandlerTestKit<Tally>(() => new Tally(), t => new DedupingTallyHandler(t), new HandlerTestOptions { Shape = planted, Seeds = 50 });

        var result = kit.NoHandlingAfterRevocation();

        output.WriteLine(result.ToString());
        Assert.False(result.Passed);
        Assert.Equal(ViolationKinds.HandledAfterRevocation, result.Shrunk!.Minimal.Violation!.Kind);
        var real = kit.NoHandlingAfterRevocation(kit.Options with
        {
            Shape = HandlerTestOptions.DefaultShape, FirstSeed = result.FailingSeed!.Value, Seeds = 1, Plan = result.Shrunk.Minimal.Plan,
        });
        Assert.True(real.Passed, $"the real machine fails the shrunk run too: {real}");
    }

    [Fact]
    public void At_least_once_and_idempotence_do_not_report_the_revocation_property_s_violations()
    {
        var planted = HandlerTestOptions.DefaultShape with { MachineName = nameof(RevokesWithoutStoppingWorkers), MachineFactory = c => new RevokesWithoutStoppingWorkers(c) };
        var kit = new HandlerTestKit<Tally>(() => new Tally(), t => new DedupingTallyHandler(t), new HandlerTestOptions { Shape = planted, Seeds = 20, MaxShrinkRuns = 40 });

        var revocation = kit.NoHandlingAfterRevocation();
        var atLeastOnce = kit.AtLeastOnce();
        var idempotent = kit.IdempotentUnderRedelivery(t => t.Describe());

        output.WriteLine(atLeastOnce.ToString());
        output.WriteLine(idempotent.ToString());
        Assert.Equal(ViolationKinds.HandledAfterRevocation, revocation.Failure?.Violation?.Kind);
        Assert.NotEqual(ViolationKinds.HandledAfterRevocation, atLeastOnce.Failure?.Violation?.Kind);
        Assert.True(idempotent.Passed || idempotent.Failure!.Violation!.Kind == HandlerTestKit<Tally>.NotIdempotent, idempotent.ToString());
    }

    [Fact]
    public void Idempotence_does_not_report_a_handler_that_never_acks_which_is_at_least_once_s_finding()
    {
        var kit = new HandlerTestKit<Tally>(() => new Tally(), t => new NeverAckingHandler(t), FewSeeds with { Seeds = 2, MaxShrinkRuns = 20 });

        var idempotent = kit.IdempotentUnderRedelivery(t => t.Describe());

        Assert.True(idempotent.Passed, idempotent.ToString());
        Assert.Equal(ViolationKinds.Liveness, kit.AtLeastOnce().Failure?.Violation?.Kind);
    }

    [Fact]
    public void A_handler_that_acks_messages_it_did_not_apply_passes_at_least_once_but_not_with_a_projection_of_what_it_applied()
    {
        var kit = new HandlerTestKit<Tally>(() => new Tally(), t => new SkippingTallyHandler(t), FewSeeds with { Seeds = 3, MaxShrinkRuns = 40 });

        var handed = kit.AtLeastOnce();
        var applied = kit.AtLeastOnce(t => t.Applied);

        output.WriteLine(applied.ToString());
        Assert.True(handed.Passed, handed.ToString());
        Assert.False(applied.Passed);
        Assert.Equal(HandlerTestKit<Tally>.NotApplied, applied.Shrunk!.Minimal.Violation!.Kind);
        Assert.Contains("@13", applied.Story, StringComparison.Ordinal);
        var fixedKit = new HandlerTestKit<Tally>(() => new Tally(), t => new DedupingTallyHandler(t), kit.Options);
        Assert.True(fixedKit.AtLeastOnce(t => t.Applied).Passed);
    }

    [Fact]
    public void A_failing_result_writes_its_shrunk_run_as_a_trace_and_a_timeline_with_the_violation_highlighted()
    {
        var kit = new HandlerTestKit<Tally>(() => new Tally(), t => new DoubleCountingTallyHandler(t), FewSeeds with { MaxShrinkRuns = 60 });
        var result = kit.IdempotentUnderRedelivery(t => t.Describe());
        Assert.False(result.Passed);
        var directory = Directory.CreateTempSubdirectory("elsa-sim-kit-");
        try
        {
            var trace = Path.Combine(directory.FullName, "failing.jsonl");
            var page = Path.Combine(directory.FullName, "failing.html");

            result.WriteTrace(trace);
            result.WriteTimeline(page);

            Assert.Equal("handler test kit: idempotent-under-redelivery", TraceHeader.Read(trace).Handler);
            var drawn = TimelineBuilder.FromFile(trace);
            Assert.Equal(result.Shrunk!.Minimal.Violation!.ToString(), drawn.Violation?.Text);
            Assert.Contains("user handler 'handler test kit: idempotent-under-redelivery'", drawn.Title, StringComparison.Ordinal);
            var html = File.ReadAllText(page);
            Assert.Contains("id=\"violation\"", html, StringComparison.Ordinal);
            Assert.Contains("not-idempotent", html, StringComparison.Ordinal);
            Assert.Equal(TimelineHtml.Render(drawn), html);
            using var cliOutput = new StringWriter();
            using var cliError = new StringWriter();
            var code = global::Elsa.Sim.Cli.Cli.Run(["replay", trace, "--html", Path.Combine(directory.FullName, "drawn-by-cli.html")], cliOutput, cliError);
            Assert.Equal(4, code);
            Assert.Contains("a user's handler ('handler test kit: idempotent-under-redelivery'", cliOutput.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }

        var passed = new HandlerTestKit<Tally>(() => new Tally(), t => new DedupingTallyHandler(t), FewSeeds with { Seeds = 1 }).AtLeastOnce();
        Assert.Throws<InvalidOperationException>(() => passed.WriteTrace(Path.Combine(Path.GetTempPath(), "never-written.jsonl")));
    }

    [Fact]
    public void Check_variants_throw_with_the_seed_and_the_story()
    {
        var kit = new HandlerTestKit<Tally>(() => new Tally(), t => new DoubleCountingTallyHandler(t));

        var thrown = Assert.Throws<HandlerPropertyException>(() => kit.CheckIdempotentUnderRedelivery(t => t.Describe()));

        Assert.Contains($"FAILED at seed {thrown.Result.FailingSeed}", thrown.Message, StringComparison.Ordinal);
        Assert.Contains(thrown.Result.Story!, thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_options_are_refused_with_every_problem_named()
    {
        var bad = new HandlerTestOptions { Seeds = 0, MaxShrinkRuns = -1, Shape = HandlerTestOptions.DefaultShape with { Members = 0 } };

        var thrown = Assert.Throws<InvalidConfigurationException>(() => new HandlerTestKit<Tally>(() => new Tally(), t => new DedupingTallyHandler(t), bad));

        Assert.Equal(3, thrown.Problems.Count);
    }
}
