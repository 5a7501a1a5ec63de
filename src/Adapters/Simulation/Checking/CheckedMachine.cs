using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>A member's group manager as the simulator gives it to the host: the machine the run chose (the real one, or
/// one with a planted bug), with every step checked against the core's invariants (the whole state, not only the effects
/// the host checks itself) and shown to the oracle.</summary>
internal sealed class CheckedMachine(IGroupMachine inner, int member, Oracle oracle) : IGroupMachine
{
    public GroupConfig Config => inner.Config;

    public Transition Step(GroupState state, GroupEvent @event)
    {
        Transition transition;
        try
        {
            transition = inner.Step(state, @event);
        }
        catch (InvariantViolationException e)
        {
            oracle.Violate($"invariant:{e.Invariant}", $"member {member} on {@event}: {e.Detail}", member);
            throw;
        }
        catch (Exception e)
        {
            // The host fails the consumer with it; the run fails with it first.
            oracle.Violate(ViolationKinds.Crash, $"member {member} on {@event}: {e.GetType().Name}: {e.Message}", member);
            throw;
        }

        try
        {
            GroupInvariants.Check(state, transition);
        }
        catch (InvariantViolationException e)
        {
            oracle.Violate($"invariant:{e.Invariant}", $"member {member} on {@event}: {e.Detail}", member);
            throw;
        }

        oracle.Stepped(member, state, @event, transition);
        return transition;
    }
}
