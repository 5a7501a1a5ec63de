namespace Elsa.Sim.Simulation;

/// <summary>Collects the first violation one action of the checked world causes; later ones in the same action are
/// consequences of the first.</summary>
internal sealed class ViolationSink
{
    public CheckViolation? First { get; private set; }

    public void Report(string kind, string detail) => First ??= new CheckViolation(kind, detail);
}
