using System.Reflection;
using Elsa.Sim.Core;

namespace Elsa.Sim.Kafka.Configuration;

/// <summary>Finds the handler type a configuration names: an assembly-qualified name, a full name, or a plain type name
/// among the loaded <see cref="IMessageHandler"/> implementations.</summary>
internal static class HandlerTypes
{
    /// <summary>The type <paramref name="name"/> names, or null after adding why not to <paramref name="problems"/>
    /// (<paramref name="path"/> is the configuration key). Whether the type is a usable handler is the validator's
    /// question.</summary>
    public static Type? Find(string name, string path, ICollection<string> problems)
    {
        if (Type.GetType(name, throwOnError: false) is { } exact)
        {
            return exact;
        }

        var handlers = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => !a.IsDynamic)
            .SelectMany(LoadableTypes)
            .Where(t => typeof(IMessageHandler).IsAssignableFrom(t) && !t.IsAbstract)
            .ToList();
        var byFullName = handlers.Where(t => t.FullName == name).ToList();
        var matches = byFullName.Count > 0 ? byFullName : handlers.Where(t => t.Name == name).ToList();
        switch (matches.Count)
        {
            case 1:
                return matches[0];
            case 0:
                problems.Add($"{path}: '{name}' names no loaded IMessageHandler type (write Namespace.Type, or Namespace.Type, Assembly)");
                return null;
            default:
                problems.Add($"{path}: '{name}' could be any of {string.Join(", ", matches.Select(t => t.AssemblyQualifiedName))}; write the one meant in full");
                return null;
        }
    }

    // An assembly whose dependencies are missing still lists the types that did load.
    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.OfType<Type>();
        }
    }
}
