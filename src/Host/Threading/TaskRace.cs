namespace Elsa.Sim.Hosting.Threading;

/// <summary><see cref="Task.WhenAny(Task[])"/> built from <c>await</c>. The host completes its sources with
/// <see cref="TaskCreationOptions.RunContinuationsAsynchronously"/>, and such a source runs WhenAny's and WhenAll's
/// internal continuations on the thread pool, where Coyote's controlled scheduler cannot see them (a systematic test then
/// reports a false deadlock). An <c>await</c> continuation goes through the current scheduler, which Coyote controls.</summary>
internal static class TaskRace
{
    /// <summary>Completes with the first of <paramref name="tasks"/> to complete (faulted or cancelled ones included).</summary>
    public static async Task<Task> FirstAsync(params Task[] tasks)
    {
        var first = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);
        foreach (var task in tasks)
        {
            _ = ReportAsync(task, first);
        }

        return await first.Task;
    }

    private static async Task ReportAsync(Task task, TaskCompletionSource<Task> first)
    {
        try
        {
            await task;
        }
#pragma warning disable CA1031 // The outcome belongs to whoever awaits the winning task; here it only ends the race.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        first.TrySetResult(task);
    }
}
