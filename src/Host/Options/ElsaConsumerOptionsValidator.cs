using Elsa.Sim.Core;

namespace Elsa.Sim.Hosting;

/// <summary>Checks <see cref="ElsaConsumerOptions"/> and names every problem at once. The parts the core understands are
/// checked by <see cref="GroupConfig.Validate"/> (one source of truth); this adds only what the host needs. A client's
/// options add their own checks to these.</summary>
internal static class ElsaConsumerOptionsValidator
{
    /// <summary>Every problem, in a stable order: the configuration's the options were bound from, then the core's, then
    /// the host's.</summary>
    /// <param name="options">The options to check.</param>
    /// <param name="handlerFromServices">False when handlers are made with a parameterless constructor.</param>
    public static List<string> Problems(ElsaConsumerOptions options, bool handlerFromServices)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>(options.ConfigurationProblems);
        problems.AddRange(options.ToGroupConfig().Validate());
        if (string.IsNullOrWhiteSpace(options.Name))
        {
            problems.Add("name must be a non-empty name: it tells this consumer's metrics and health check from another's");
        }

        if (options.Handler is null)
        {
            problems.Add("handler must name an IMessageHandler type: the consumer creates one per worker");
        }
        else if (!handlerFromServices && typeof(IMessageHandler).IsAssignableFrom(options.Handler) && !options.Handler.IsAbstract &&
                 options.Handler.GetConstructor(Type.EmptyTypes) is null)
        {
            problems.Add($"handler {options.Handler.FullName} needs a public parameterless constructor when no IServiceProvider is given");
        }

        var deadLetterPolicy = options.Restart?.WhenExhausted == RestartExhaustedPolicy.DeadLetter;
        if (deadLetterPolicy != options.HasDeadLetterDestination)
        {
            problems.Add(deadLetterPolicy
                ? "restart.when_exhausted is dead_letter but no dead-letter destination is set (dead_letters, or the Kafka adapter's dead_letter_topic)"
                : $"a dead-letter destination is set but restart.when_exhausted is {options.Restart?.WhenExhausted.ToString() ?? "unset"}: nothing would ever be dead-lettered (set it to DeadLetter)");
        }

        if (options.RebalanceTimeoutMs < 1)
        {
            problems.Add($"rebalance_timeout must be at least 1 ms (was {options.RebalanceTimeoutMs})");
        }

        if (options.RequestTimeoutMs < 1)
        {
            problems.Add($"request_timeout must be at least 1 ms (was {options.RequestTimeoutMs})");
        }

        return problems;
    }
}
