using FsCheck.Xunit;

namespace Elsa.Sim.Properties.Tests.Properties;

/// <summary>The core is safe whatever the outside world sends: it never throws, its invariants hold after every step,
/// and input it must ignore changes nothing. Each runs on <see cref="EventGen.ScriptsPerProperty"/> generated scripts;
/// a failure prints the replay seed, the shrunk script and every event it resolved to.</summary>
public sealed class SafetyProperties
{
    [Property(MaxTest = EventGen.ScriptsPerProperty, Arbitrary = [typeof(EventGen)])]
    public void Step_never_throws_on_outside_input(EventScript script) =>
        ScriptRunner.Run(script);

    [Property(MaxTest = EventGen.ScriptsPerProperty, Arbitrary = [typeof(EventGen)])]
    public void Every_invariant_holds_after_every_step(EventScript script) =>
        ScriptRunner.Run(script, step => GroupInvariants.Check(step.Before, step.Transition));

    [Property(MaxTest = EventGen.ScriptsPerProperty, Arbitrary = [typeof(EventGen)])]
    public void Outside_input_the_machine_must_ignore_yields_only_diagnostics_and_changes_nothing(EventScript script) =>
        ScriptRunner.Run(script, step =>
        {
            var effects = step.Transition.Effects;
            var onlyIgnoredInputDiagnostics = !effects.IsEmpty && effects.All(e => e is GroupEffect.Diagnostic d && IgnoredInputKinds.Contains(d.Kind));
            if (step.MustBeIgnored)
            {
                Assert.All(effects, e => Assert.IsType<GroupEffect.Diagnostic>(e));
                Assert.NotEmpty(effects);
            }

            if (step.MustBeIgnored || onlyIgnoredInputDiagnostics)
            {
                Assert.Equal(step.Before, step.Transition.State);
                Assert.Equal(step.Before.GetHashCode(), step.Transition.State.GetHashCode());
            }

            // And the other way round: the machine ignores nothing the rules call good input.
            if (onlyIgnoredInputDiagnostics && !step.MustBeIgnored)
            {
                Assert.Fail($"the machine ignored {step.Event}, which the rules call good input: {effects}");
            }
        });

    // Diagnostics the machine emits only when it ignores the whole event (others, such as a crash's, come with changes).
    private static readonly HashSet<DiagnosticKind> IgnoredInputKinds =
    [
        DiagnosticKind.StaleAck, DiagnosticKind.InvalidAck, DiagnosticKind.AckNotAhead, DiagnosticKind.UnknownWorker,
        DiagnosticKind.StaleCallback, DiagnosticKind.TimeWentBackwards, DiagnosticKind.UnexpectedPosition,
    ];
}
