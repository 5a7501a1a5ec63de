using Elsa.Sim.Core;
using Elsa.Sim.Kafka.Options;
using Microsoft.Extensions.Configuration;

namespace Elsa.Sim.Kafka.Configuration;

/// <summary>Binds <see cref="KafkaConsumerOptions"/> from a configuration section (appsettings.json, environment
/// variables …): every option under its property's name, <c>Config</c> and <c>Restart</c> as nested sections,
/// <c>Config:BeginOffset</c> as <c>earliest</c>, <c>latest</c> or an offset, <c>Handler</c> as a type name, enums by
/// name, <c>KafkaProperties</c> as a section of librdkafka properties, and <c>HandlerInitArgs</c> as a section handed to
/// the handler as it is (an <see cref="IConfigurationSection"/> to bind to its own settings). What does not bind (an
/// unknown key, a value that does not convert) is kept in <c>ElsaConsumerOptions.ConfigurationProblems</c>, so the
/// validator reports it with every other problem, in one error, when the host starts.</summary>
internal static class ElsaConsumerConfiguration
{
    private const string InCode = "a delegate; set it in the configure action of AddElsaConsumer";

    public static void Bind(IConfiguration configuration, KafkaConsumerOptions options)
    {
        var problems = new List<string>();
        if (configuration is IConfigurationSection { } root && !root.Exists())
        {
            problems.Add($"{root.Path}: the configuration section is missing or empty");
        }

        var reader = new SectionReader(configuration, problems);
        reader.Refuse(nameof(options.Name), "it is the name given to AddElsaConsumer");
        options.Group = reader.Value(nameof(options.Group), options.Group);
        options.Topics = reader.Texts(nameof(options.Topics), options.Topics);
        if (reader.Value<string?>(nameof(options.Handler), null) is { } handler)
        {
            options.Handler = HandlerTypes.Find(handler, configuration.GetSection(nameof(options.Handler)).Path, problems) ?? options.Handler;
        }

        options.HandlerInitArgs = reader.Section(nameof(options.HandlerInitArgs)) ?? options.HandlerInitArgs;
        reader.Refuse(nameof(options.AssignmentReceivedHandler), InCode);
        reader.Refuse(nameof(options.AssignmentsRevokedHandler), InCode);
        options.DirectAck = reader.Value(nameof(options.DirectAck), options.DirectAck);
        options.CommitIntervalMs = reader.Value(nameof(options.CommitIntervalMs), options.CommitIntervalMs);
        options.CommitRetryBackoffMs = reader.Value(nameof(options.CommitRetryBackoffMs), options.CommitRetryBackoffMs);
        options.Config = Config(reader.Nested(nameof(options.Config)), options.Config ?? new());
        options.Restart = Restart(reader.Nested(nameof(options.Restart)), options.Restart ?? new());
        options.BootstrapServers = reader.Value(nameof(options.BootstrapServers), options.BootstrapServers);
        options.GroupProtocol = reader.Enum(nameof(options.GroupProtocol), options.GroupProtocol);
        options.AssignmentStrategy = reader.Enum(nameof(options.AssignmentStrategy), options.AssignmentStrategy);
        options.GroupInstanceId = reader.Value(nameof(options.GroupInstanceId), options.GroupInstanceId);
        options.SessionTimeoutMs = reader.Value(nameof(options.SessionTimeoutMs), options.SessionTimeoutMs);
        options.RebalanceTimeoutMs = reader.Value(nameof(options.RebalanceTimeoutMs), options.RebalanceTimeoutMs);
        options.RequestTimeoutMs = reader.Value(nameof(options.RequestTimeoutMs), options.RequestTimeoutMs);
        options.KafkaProperties = reader.Map(nameof(options.KafkaProperties), options.KafkaProperties);
        options.DeadLetterTopic = reader.Value(nameof(options.DeadLetterTopic), options.DeadLetterTopic);
        options.DeadLetterProperties = reader.Map(nameof(options.DeadLetterProperties), options.DeadLetterProperties);
        reader.Refuse(nameof(options.DeadLetters), "an IDeadLetterWriter object; set DeadLetterTopic, or set it in the configure action of AddElsaConsumer");
        reader.ReportUnread();
        options.ConfigurationProblems = [.. options.ConfigurationProblems, .. problems];
    }

    private static ElsaConsumerConfig Config(SectionReader reader, ElsaConsumerConfig current)
    {
        var config = current with
        {
            MinBytes = reader.Value(nameof(current.MinBytes), current.MinBytes),
            MaxBytes = reader.Value(nameof(current.MaxBytes), current.MaxBytes),
            MaxWaitTimeMs = reader.Value(nameof(current.MaxWaitTimeMs), current.MaxWaitTimeMs),
            SleepTimeoutMs = reader.Value(nameof(current.SleepTimeoutMs), current.SleepTimeoutMs),
            PrefetchCount = reader.Value(nameof(current.PrefetchCount), current.PrefetchCount),
            PrefetchBytes = reader.Value(nameof(current.PrefetchBytes), current.PrefetchBytes),
            BeginOffset = reader.Position(nameof(current.BeginOffset), current.BeginOffset),
            OffsetResetPolicy = reader.Enum(nameof(current.OffsetResetPolicy), current.OffsetResetPolicy),
        };
        reader.ReportUnread();
        return config;
    }

    private static RestartConfig Restart(SectionReader reader, RestartConfig current)
    {
        var restart = current with
        {
            BackoffMs = reader.Value(nameof(current.BackoffMs), current.BackoffMs),
            MaxBackoffMs = reader.Value(nameof(current.MaxBackoffMs), current.MaxBackoffMs),
            MaxRestarts = reader.Value(nameof(current.MaxRestarts), current.MaxRestarts),
            WithinMs = reader.Value(nameof(current.WithinMs), current.WithinMs),
            WhenExhausted = reader.Enum(nameof(current.WhenExhausted), current.WhenExhausted),
        };
        reader.ReportUnread();
        return restart;
    }
}
