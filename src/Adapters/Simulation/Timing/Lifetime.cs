namespace Elsa.Sim.Simulation;

/// <summary>How long something scheduled on the clock stays meaningful: one incarnation of a member process. When the
/// process dies, its lifetime ends and every entry it left on the clock (network answers, timers, its host's tasks) is
/// dropped, as a dead process's threads and sockets are.</summary>
internal sealed class Lifetime
{
    public bool Ended { get; private set; }

    public void End() => Ended = true;
}
