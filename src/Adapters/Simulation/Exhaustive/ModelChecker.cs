using System.Diagnostics;
using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>Exhaustive checking of a small group: a breadth-first search over every interleaving of the bounded world's
/// actions (<see cref="WorldModel"/>), remembering every world visited (worlds are values, so a world reached twice is
/// explored once). After every action the core's invariant checker and the world's safety rules run; once the world is
/// quiet, the rules of <see cref="QuietWorld"/>. Breadth first, so the first violation found is one of those reachable
/// in the fewest actions, and its path is a shortest one.</summary>
internal static class ModelChecker
{
    /// <summary>Explores the world of <paramref name="bounds"/> with <paramref name="machine"/> in every member until a
    /// violation, the end of the world, the depth or state bound, <paramref name="timeLimit"/> or a cancellation.</summary>
    public static CheckResult Check(IGroupMachine machine, CheckBounds bounds, TimeSpan? timeLimit = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(machine);
        var model = new WorldModel(machine, bounds);
        var wall = Stopwatch.StartNew();
        var initial = model.Initial();
        var root = new PathNode(null, default);
        var visited = new HashSet<BoundedWorld> { initial };
        var level = new List<(BoundedWorld BoundedWorld, PathNode Node, List<WorldAction> Actions)> { (initial, root, EnabledActions.Of(model, initial)) };
        long transitions = 0;
        var depth = 0;
        var cutoff = CheckCutoff.None;

        CheckResult Result(CheckViolation? violation, PathNode? at) =>
            new(bounds, visited.Count, transitions, depth, cutoff, wall.Elapsed, violation, at?.Path() ?? []);

        if (Quiet(level[0].Actions) && QuietWorld.Check(initial) is { } quietAtStart)
        {
            return Result(quietAtStart, root);
        }

        while (level.Count > 0)
        {
            if (depth == bounds.MaxDepth)
            {
                cutoff = level.Any(entry => entry.Actions.Count > 0) ? CheckCutoff.Depth : CheckCutoff.None;
                break;
            }

            var next = new List<(BoundedWorld, PathNode, List<WorldAction>)>();
            foreach (var (world, node, actions) in level)
            {
                if (cancellationToken.IsCancellationRequested || wall.Elapsed > timeLimit)
                {
                    cutoff = cancellationToken.IsCancellationRequested ? CheckCutoff.Cancelled : CheckCutoff.TimeLimit;
                    return Result(null, null);
                }

                foreach (var action in actions)
                {
                    transitions++;
                    var step = model.Apply(world, action);
                    if (step.Violation is { } violation)
                    {
                        depth++;
                        return Result(violation, new PathNode(node, action));
                    }

                    if (!visited.Add(step.Next))
                    {
                        continue;
                    }

                    if (visited.Count > bounds.MaxStates)
                    {
                        visited.Remove(step.Next);
                        cutoff = CheckCutoff.StateLimit;
                        return Result(null, null);
                    }

                    // Checked as it is found, so a quiet world's violation is reported at its own depth.
                    var child = new PathNode(node, action);
                    var enabled = EnabledActions.Of(model, step.Next);
                    if (Quiet(enabled) && QuietWorld.Check(step.Next) is { } quiet)
                    {
                        depth++;
                        return Result(quiet, child);
                    }

                    next.Add((step.Next, child, enabled));
                }
            }

            level = next;
            if (level.Count > 0)
            {
                depth++;
            }
        }

        return Result(null, null);
    }

    /// <summary>Replays <paramref name="path"/> from the initial world, one action at a time: each action's story line,
    /// and the violation of the first action that causes one (or of the quiet world the path ends in).</summary>
    public static (IReadOnlyList<string> Story, CheckViolation? Violation) Replay(IGroupMachine machine, CheckBounds bounds, IReadOnlyList<WorldAction> path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var model = new WorldModel(machine, bounds);
        var world = model.Initial();
        var story = new List<string>();
        foreach (var action in path)
        {
            if (!EnabledActions.Of(model, world).Contains(action))
            {
                throw new ArgumentException($"step {story.Count + 1} ({action}) is not enabled in the world the path reached", nameof(path));
            }

            var step = model.Apply(world, action);
            story.Add(step.Story);
            if (step.Violation is not null)
            {
                return (story, step.Violation);
            }

            world = step.Next;
        }

        return (story, Quiet(EnabledActions.Of(model, world)) ? QuietWorld.Check(world) : null);
    }

    private static bool Quiet(List<WorldAction> actions) => actions.TrueForAll(action => action.IsFault);

    /// <summary>A world's place in the search tree: the action that first reached it, and its parent's place. Only the
    /// path is kept per world, not the world before it.</summary>
    private sealed class PathNode(PathNode? parent, WorldAction action)
    {
        public List<WorldAction> Path()
        {
            var path = new List<WorldAction>();
            for (var node = this; node.Parent is not null; node = node.Parent)
            {
                path.Add(node.Action);
            }

            path.Reverse();
            return path;
        }

        private PathNode? Parent => parent;

        private WorldAction Action => action;
    }
}
