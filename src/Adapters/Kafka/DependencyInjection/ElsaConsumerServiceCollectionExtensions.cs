using System.Diagnostics.Metrics;
using Elsa.Sim.Core;
using Elsa.Sim.Kafka;
using Elsa.Sim.Kafka.Configuration;
using Elsa.Sim.Kafka.DependencyInjection;
using Elsa.Sim.Hosting;
using Elsa.Sim.Kafka.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Elsa consumers in a .NET host, each under a name of its own: its named
/// <see cref="KafkaConsumerOptions"/> (validated when the host starts, every problem in one error), its
/// <see cref="ElsaConsumer"/> (a keyed singleton: <c>[FromKeyedServices("orders")] ElsaConsumer</c>, handlers created
/// through the container) and its <see cref="ElsaConsumerHostedService"/>, which starts it with the host and stops it
/// gracefully. Registering a name twice throws.</summary>
public static class ElsaConsumerServiceCollectionExtensions
{
    /// <summary>Registers the consumer named <see cref="ElsaConsumerOptions.DefaultName"/>, which is also resolvable as a
    /// plain <see cref="ElsaConsumer"/>, and whose options are the unnamed <see cref="KafkaConsumerOptions"/>.</summary>
    /// <param name="services">The container.</param>
    /// <param name="configure">Sets the options.</param>
    /// <exception cref="InvalidOperationException">When a consumer of that name is already registered.</exception>
    public static IServiceCollection AddElsaConsumer(this IServiceCollection services, Action<KafkaConsumerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return Register(services, ElsaConsumerOptions.DefaultName, handler: null, configuration: null, configure);
    }

    /// <summary>Registers the consumer <paramref name="name"/>.</summary>
    /// <param name="services">The container.</param>
    /// <param name="name">The consumer's name, unique in the container.</param>
    /// <param name="configure">Sets the options.</param>
    /// <exception cref="InvalidOperationException">When a consumer of that name is already registered.</exception>
    public static IServiceCollection AddElsaConsumer(this IServiceCollection services, string name, Action<KafkaConsumerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return Register(services, name, handler: null, configuration: null, configure);
    }

    /// <summary>Registers the consumer <paramref name="name"/>, whose handler is <typeparamref name="THandler"/>.</summary>
    /// <typeparam name="THandler">The handler; one is created through the container per worker start.</typeparam>
    /// <param name="services">The container.</param>
    /// <param name="name">The consumer's name, unique in the container.</param>
    /// <param name="configure">Sets the other options.</param>
    /// <exception cref="InvalidOperationException">When a consumer of that name is already registered.</exception>
    public static IServiceCollection AddElsaConsumer<THandler>(this IServiceCollection services, string name, Action<KafkaConsumerOptions> configure)
        where THandler : class, IMessageHandler
    {
        ArgumentNullException.ThrowIfNull(configure);
        return Register(services, name, typeof(THandler), configuration: null, configure);
    }

    /// <summary>Registers the consumer <paramref name="name"/> with its options bound from
    /// <paramref name="configuration"/> (for example <c>builder.Configuration.GetSection("Kafka:Orders")</c>), then
    /// <paramref name="configure"/>. Every option binds under its property's name: <c>Config:BeginOffset</c> takes
    /// <c>earliest</c>, <c>latest</c> or an offset, <c>Handler</c> a type name, enums their names. An unknown key or a value
    /// that does not convert fails the host at start, with every other problem, in one error.</summary>
    /// <param name="services">The container.</param>
    /// <param name="name">The consumer's name, unique in the container.</param>
    /// <param name="configuration">The consumer's configuration section.</param>
    /// <param name="configure">Sets what configuration cannot (the callbacks) or overrides it; may be null.</param>
    /// <exception cref="InvalidOperationException">When a consumer of that name is already registered.</exception>
    public static IServiceCollection AddElsaConsumer(this IServiceCollection services, string name, IConfiguration configuration,
        Action<KafkaConsumerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Register(services, name, handler: null, configuration, configure);
    }

    /// <summary>Registers the consumer <paramref name="name"/>, whose handler is <typeparamref name="THandler"/>, with its
    /// other options bound from <paramref name="configuration"/> as
    /// <see cref="AddElsaConsumer(IServiceCollection,string,IConfiguration,Action{KafkaConsumerOptions})"/> does.</summary>
    /// <typeparam name="THandler">The handler; one is created through the container per worker start.</typeparam>
    /// <param name="services">The container.</param>
    /// <param name="name">The consumer's name, unique in the container.</param>
    /// <param name="configuration">The consumer's configuration section.</param>
    /// <param name="configure">Sets what configuration cannot (the callbacks) or overrides it; may be null.</param>
    /// <exception cref="InvalidOperationException">When a consumer of that name is already registered.</exception>
    public static IServiceCollection AddElsaConsumer<THandler>(this IServiceCollection services, string name, IConfiguration configuration,
        Action<KafkaConsumerOptions>? configure = null)
        where THandler : class, IMessageHandler
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Register(services, name, typeof(THandler), configuration, configure);
    }

    private static IServiceCollection Register(IServiceCollection services, string name, Type? handler, IConfiguration? configuration,
        Action<KafkaConsumerOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (services.Any(d => d.ServiceType == typeof(ElsaConsumerRegistration) && d.ImplementationInstance is ElsaConsumerRegistration r && r.Name == name))
        {
            throw new InvalidOperationException(
                $"An Elsa consumer named '{name}' is already registered; give each consumer of the process a name of its own: AddElsaConsumer(\"orders\", …).");
        }

        var registration = new ElsaConsumerRegistration(name);
        services.AddSingleton(registration);
        var options = services.AddOptions<KafkaConsumerOptions>(registration.OptionsName);
        if (handler is not null)
        {
            options.Configure(o => o.Handler = handler);
        }

        if (configuration is not null)
        {
            options.Configure(o => ElsaConsumerConfiguration.Bind(configuration, o));
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        // The registration's name wins: a configure action cannot make two consumers' metrics indistinguishable.
        options.PostConfigure(o => o.Name = name).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KafkaConsumerOptions>, KafkaConsumerOptionsValidator>());
        services.AddKeyedSingleton(name, (provider, _) => KafkaConsumers.Create(
            provider.GetRequiredService<IOptionsMonitor<KafkaConsumerOptions>>().Get(registration.OptionsName),
            provider.GetService<ILoggerFactory>(),
            provider.GetService<TimeProvider>(),
            provider,
            provider.GetService<IMeterFactory>()));
        // Not AddHostedService: it registers a type once, and each consumer needs its own service.
        services.AddSingleton<IHostedService>(provider => new ElsaConsumerHostedService(provider.GetRequiredKeyedService<ElsaConsumer>(name)));
        if (name == ElsaConsumerOptions.DefaultName)
        {
            // Handlers and code written before consumers had names take a plain ElsaConsumer.
            services.AddSingleton(provider => provider.GetRequiredKeyedService<ElsaConsumer>(name));
        }

        return services;
    }
}
