using System.Diagnostics.Metrics;
using Elsa.Sim.Core;
using Elsa.Sim.Hosting;
using Elsa.Sim.Kafka.DeadLetters;
using Elsa.Sim.Kafka.Options;
using Elsa.Sim.Kafka.Port;
using Microsoft.Extensions.Logging;

namespace Elsa.Sim.Kafka;

/// <summary>Builds <see cref="ElsaConsumer"/>s on Kafka: the host (Elsa.Sim.Host) over a Confluent.Kafka consumer.</summary>
public static class KafkaConsumers
{
    /// <summary>A consumer over Confluent.Kafka, configured from <paramref name="options"/>. The Kafka client is created
    /// when the consumer starts: one that refuses its configuration fails the consumer then.</summary>
    /// <param name="options">What to consume and how; copied, so later edits do not affect this consumer.</param>
    /// <param name="loggerFactory">Where logs go; none by default.</param>
    /// <param name="timeProvider">The clock for the commit interval, restart backoff and timeouts;
    /// <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="services">Creates handlers with dependency injection when given; otherwise handlers need a public
    /// parameterless constructor.</param>
    /// <param name="meterFactory">Creates the <see cref="ElsaConsumer.MeterName"/> meter when given (dependency
    /// injection); otherwise the consumer owns its meter.</param>
    /// <exception cref="InvalidConfigurationException">When the options have problems; the message names every one.</exception>
    public static ElsaConsumer Create(KafkaConsumerOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null,
        IServiceProvider? services = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = KafkaConsumerOptionsValidator.Problems(options, handlerFromServices: services is not null);
        if (problems.Count > 0)
        {
            throw new InvalidConfigurationException(problems);
        }

        // The port reads a copy: later edits to the options reach neither the host nor the client.
        var kafka = (KafkaConsumerOptions)options.Clone();
        var portLogger = loggerFactory?.CreateLogger<ConfluentConsumerPort>();
        var deadLetters = kafka.DeadLetterTopic is null ? null : new KafkaDeadLetterWriter(kafka);
        kafka.DeadLetters ??= deadLetters;
        var consumer = new ElsaConsumer(kafka, () => new ConfluentConsumerPort(kafka, portLogger), loggerFactory, timeProvider, services, meterFactory);
        if (deadLetters is not null)
        {
            // The dead-letter producer lives as long as the consumer runs (it is created at the first write).
            _ = consumer.Completion.ContinueWith(_ => deadLetters.Dispose(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }

        return consumer;
    }
}
