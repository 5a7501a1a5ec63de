namespace Elsa.Sim.Core;

/// <summary>Anything that steps a group manager: the real <see cref="GroupMachine"/>, or a test-only wrapper around it
/// that plants a known bug so a test can prove the simulator finds that class of bug.</summary>
public interface IGroupMachine
{
    /// <summary>The configuration every step reads.</summary>
    GroupConfig Config { get; }

    /// <summary>Applies one event; pure and deterministic.</summary>
    Transition Step(GroupState state, GroupEvent @event);
}
