using Elsa.Sim.Simulation;
using Elsa.Sim.Testing;
using Xunit.Abstractions;

namespace Elsa.Sim.Systematic.Tests.Kit;

/// <summary>The handler test kit's systematic mode (Elsa.Sim.Testing): a handler's own threads and locks explored under
/// Coyote inside the real host on the simulated cluster, with the kit's properties, and a failure replayed from its
/// saved trace.</summary>
public sealed class SystematicModeTests(ITestOutputHelper output)
{
    private static readonly HandlerTestOptions Options = HandlerTestOptions.SystematicDefaults with
    {
        Systematic = new SystematicOptions { Iterations = 100, Seed = 1, TraceDirectory = Path.Combine(AppContext.BaseDirectory, "coyote-traces", "kit") },
    };

    [Fact]
    public void Kit_systematic_a_handler_that_loses_an_update_between_its_own_tasks_fails_at_least_once_and_its_trace_replays_the_failure()
    {
        var kit = new HandlerTestKit<AppliedTable>(() => new AppliedTable(), table => new ParallelAppendHandler(table, atomic: false), Options);

        var found = kit.AtLeastOnce(table => table.Read());
        output.WriteLine(found.ToString());

        Assert.False(found.Passed);
        Assert.Equal(HandlerTestKit<AppliedTable>.NotApplied, found.Failure?.Violation?.Kind);
        Assert.Contains("not-applied", found.BugReport, StringComparison.Ordinal);
        Assert.True(File.Exists(found.TracePath), $"no trace at {found.TracePath}");

        var replayed = kit.AtLeastOnce(table => table.Read(), Options with { Systematic = Options.Systematic! with { ReplayTrace = found.TracePath } });
        output.WriteLine(replayed.ToString());

        Assert.Equal(1, replayed.Iterations);
        Assert.Equal(found.Failure!.Violation, replayed.Failure?.Violation);
    }

    [Fact]
    public void Kit_systematic_the_same_handler_adding_each_row_in_one_critical_section_passes_all_three_properties()
    {
        var kit = new HandlerTestKit<AppliedTable>(() => new AppliedTable(), table => new ParallelAppendHandler(table, atomic: true), Options);
        var few = Options with { Systematic = Options.Systematic! with { Iterations = 10 } };

        HandlerCheckResult[] results =
        [
            kit.AtLeastOnce(table => table.Read(), few),
            kit.NoHandlingAfterRevocation(few),
            kit.IdempotentUnderRedelivery(table => table.Read().Distinct().Count(), options: few),
        ];

        foreach (var result in results)
        {
            output.WriteLine(result.ToString());
            Assert.True(result.Passed, result.ToString());
            Assert.Equal(10, result.Iterations);
        }
    }

    [Fact]
    public void Kit_systematic_a_failure_has_no_elsa_sim_trace_to_write_and_says_where_coyotes_is()
    {
        var kit = new HandlerTestKit<AppliedTable>(() => new AppliedTable(), table => new ParallelAppendHandler(table, atomic: false), Options);
        var found = kit.AtLeastOnce(table => table.Read());

        var refused = Assert.Throws<InvalidOperationException>(() => found.WriteTrace(Path.GetTempFileName()));
        Assert.Contains(found.TracePath!, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Kit_systematic_refuses_member_crashes_which_it_cannot_model()
    {
        var crashing = Options with { Shape = Options.Shape with { Faults = [FaultKind.MemberCrash] } };

        var refused = Assert.Throws<Elsa.Sim.Core.InvalidConfigurationException>(() =>
            new HandlerTestKit<AppliedTable>(() => new AppliedTable(), table => new ParallelAppendHandler(table, atomic: true), crashing));

        Assert.Contains("MemberCrash", refused.Message, StringComparison.Ordinal);
    }
}
