using System.Globalization;
using Elsa.Sim.Core;
using Microsoft.Extensions.Configuration;

namespace Elsa.Sim.Kafka.Configuration;

/// <summary>Reads one configuration section key by key and remembers which keys it read, so that the keys left over (a
/// typo such as <c>BeginOfset</c>) are reported instead of silently ignored, as the configuration binder would. Keys
/// match case-insensitively, as configuration keys do. Every problem names the key's full path and its value.</summary>
internal sealed class SectionReader(IConfiguration section, ICollection<string> problems)
{
    private readonly HashSet<string> _read = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A number, a flag or a text: <paramref name="current"/> when the key is absent or its value does not
    /// convert (then a problem says so).</summary>
    public T Value<T>(string key, T current)
    {
        if (Leaf(key) is not { } leaf)
        {
            return current;
        }

        try
        {
            return leaf.Get<T>() ?? current;
        }
        catch (InvalidOperationException)
        {
            problems.Add($"{leaf.Path}: '{leaf.Value}' is not {Expected(typeof(T))}");
            return current;
        }
    }

    /// <summary>An enum member by name, ignoring case, dashes and underscores (<c>cooperative-sticky</c>,
    /// <c>reset_to_earliest</c>); numbers are refused, since an enum's numbers are not part of its meaning.</summary>
    public TEnum Enum<TEnum>(string key, TEnum current)
        where TEnum : struct, Enum
    {
        if (Leaf(key) is not { } leaf)
        {
            return current;
        }

        var wanted = Plain(leaf.Value!);
        foreach (var value in System.Enum.GetValues<TEnum>())
        {
            if (Plain(value.ToString()).Equals(wanted, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        problems.Add($"{leaf.Path}: '{leaf.Value}' is not one of {string.Join(", ", System.Enum.GetNames<TEnum>())}");
        return current;
    }

    /// <summary>Elsa's <c>begin_offset</c>: <c>earliest</c>, <c>latest</c> or an offset.</summary>
    public StartPosition Position(string key, StartPosition current)
    {
        if (Leaf(key) is not { } leaf)
        {
            return current;
        }

        if (StartPosition.TryParse(leaf.Value, out var position))
        {
            return position;
        }

        problems.Add($"{leaf.Path}: '{leaf.Value}' is not earliest, latest or an offset (a whole number from 0)");
        return current;
    }

    /// <summary>A list of texts: an array, or one value for a list of one.</summary>
    public IList<string> Texts(string key, IList<string> current)
    {
        var section = Mark(key);
        if (!section.Exists())
        {
            return current;
        }

        if (section.Value is { } single)
        {
            return [single];
        }

        var texts = new List<string>();
        foreach (var item in section.GetChildren())
        {
            if (item.Value is { } text)
            {
                texts.Add(text);
            }
            else
            {
                problems.Add($"{item.Path}: a list item must be a text, not a section");
            }
        }

        return texts;
    }

    /// <summary>A dictionary of texts, one per key of the section.</summary>
    public IDictionary<string, string> Map(string key, IDictionary<string, string> current)
    {
        var section = Mark(key);
        if (!section.Exists())
        {
            return current;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in section.GetChildren())
        {
            if (item.Value is { } text)
            {
                map[item.Key] = text;
            }
            else
            {
                problems.Add($"{item.Path}: must be a text value, not a section");
            }
        }

        return map;
    }

    /// <summary>The section itself, for a value only its consumer can interpret; null when absent.</summary>
    public IConfigurationSection? Section(string key) => Mark(key) is { } section && section.Exists() ? section : null;

    /// <summary>A reader of a nested section (<c>Config</c>, <c>Restart</c>); call <see cref="ReportUnread"/> on it too.</summary>
    public SectionReader Nested(string key) => new(Mark(key), problems);

    /// <summary>A key that configuration cannot set, with <paramref name="why"/>.</summary>
    public void Refuse(string key, string why)
    {
        if (Mark(key) is { } section && section.Exists())
        {
            problems.Add($"{section.Path}: cannot be set from configuration: {why}");
        }
    }

    /// <summary>Reports every key of the section that nothing read.</summary>
    public void ReportUnread()
    {
        var known = string.Join(", ", _read.Order(StringComparer.Ordinal));
        foreach (var child in section.GetChildren().Where(c => !_read.Contains(c.Key)))
        {
            var value = child.Value is { } text ? $" (value '{text}')" : "";
            problems.Add($"{child.Path}: unknown key{value}; the keys here are {known}");
        }
    }

    /// <summary>The key's section when it holds a value; a section of keys where a value belongs is a problem.</summary>
    private IConfigurationSection? Leaf(string key)
    {
        var section = Mark(key);
        if (section.Value is not null)
        {
            return section;
        }

        if (section.Exists())
        {
            problems.Add($"{section.Path}: must be a value, not a section");
        }

        return null;
    }

    private IConfigurationSection Mark(string key)
    {
        _read.Add(key);
        return section.GetSection(key);
    }

    private static string Plain(string name) => name.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);

    private static string Expected(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(bool) => "true or false",
        var t when t == typeof(int) => $"a whole number from {int.MinValue} to {int.MaxValue}",
        var t when t == typeof(long) => "a whole number",
        var t => $"a {t.Name}",
    };
}
