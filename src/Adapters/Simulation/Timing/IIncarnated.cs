namespace Elsa.Sim.Simulation;

/// <summary>Something whose pending actions are void once it is reset, such as a member that crashed and restarted.</summary>
internal interface IIncarnated
{
    /// <summary>Counts resets; an action scheduled under an older value is dropped.</summary>
    int Incarnation { get; }
}
