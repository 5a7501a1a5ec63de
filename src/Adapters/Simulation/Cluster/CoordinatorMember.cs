namespace Elsa.Sim.Simulation;

/// <summary>What every simulated coordinator keeps of a member: its id, and when it was last heard from.</summary>
internal abstract class CoordinatorMember(string id)
{
    public string Id { get; } = id;

    public long LastSeenMs { get; set; }
}
