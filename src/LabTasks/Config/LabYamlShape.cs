using System.Reflection;
using VirtLab.Util;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace VirtLab.Config;

/// <summary>
/// Checks the shape of lab.yaml against the configuration classes before any value is converted:
/// every key is known, every section is a mapping, every value is a single scalar and none is empty
/// or null. The deserializer would otherwise set an empty value's property to null (and validation
/// would fail on it with a NullReferenceException) or report a nesting mistake far from its line.
/// </summary>
public static class LabYamlShape
{
    private const string EmptyFix = "give it a value or delete the line to keep the default (docs/lab-yaml.md lists them); write \"\" for an empty text.";

    /// <summary>Throws a LabException at the first node that does not fit <see cref="LabConfig"/>.</summary>
    public static void Check(YamlStream stream, string path)
    {
        if (stream.Documents.Count > 1)
            throw new LabException(LabCodes.ConfigUnreadable, "The lab file holds more than one YAML document ('---').",
                "keep one document: remove the second '---' and what follows it, or merge the two.", path, Line(stream.Documents[1].RootNode.Start), Column(stream.Documents[1].RootNode.Start));
        if (stream.Documents.Count == 0) return;
        var root = stream.Documents[0].RootNode;
        if (IsNull(root)) return; // a file of comments only: every default applies
        CheckSection(root, typeof(LabConfig), "", path);
    }

    /// <summary>Plain empty, ~ and null are YAML's null; a quoted "" is an empty text and stays a value.</summary>
    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } s
        && (s.Value is null or "" or "~" or "null" or "Null" or "NULL");

    private static void CheckSection(YamlNode node, Type type, string keyPath, string path)
    {
        var name = keyPath.Length == 0 ? "The lab file" : keyPath;
        if (node is not YamlMappingNode map)
            throw new LabException(LabCodes.ConfigBadValue, $"{name} must be a section of 'key: value' lines, not {Describe(node)}.",
                "indent its keys under it, two spaces deeper; docs/lab-yaml.md shows the layout.", path, Line(node.Start), Column(node.Start));

        var dictionaryValue = DictionaryValueType(type);
        foreach (var (keyNode, value) in map.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { Length: > 0 } key } || IsNull(keyNode))
                throw new LabException(LabCodes.ConfigBadValue, $"{name} has a key that is not a plain name.", "write keys as plain names, e.g. memoryMiB: 512.",
                    path, Line(keyNode.Start), Column(keyNode.Start));
            var childPath = keyPath.Length == 0 ? key : $"{keyPath}.{key}";
            var childType = dictionaryValue ?? PropertyType(type, key)
                ?? throw new LabException(LabCodes.ConfigUnknownKey, $"Unknown key '{key}' in the lab file{(keyPath.Length == 0 ? "" : $" (under {keyPath})")}.",
                    "remove it, correct its spelling or its indentation (it may belong to another section); docs/lab-yaml.md lists every key.",
                    path, Line(keyNode.Start), Column(keyNode.Start));
            if (IsNull(value))
                throw new LabException(LabCodes.ConfigBadValue, $"{childPath}: the value is empty.",
                    IsSection(childType) ? "indent its keys under it, or delete the line to keep every default of the section." : EmptyFix,
                    path, Line(keyNode.Start), Column(keyNode.Start));
            if (IsSection(childType) && !(value is YamlScalarNode && typeof(IScalarShorthand).IsAssignableFrom(childType)))
                CheckSection(value, childType, childPath, path);
            else if (value is not YamlScalarNode)
                throw new LabException(LabCodes.ConfigBadValue, $"{childPath}: takes a single value, not {Describe(value)}.",
                    "write it on the key's line, e.g. key: value (docs/lab-yaml.md gives each key's type).", path, Line(value.Start), Column(value.Start));
        }
    }

    private static string Describe(YamlNode node) => node switch
    {
        YamlSequenceNode => "a list",
        YamlMappingNode => "a section",
        YamlScalarNode s => $"the value '{s.Value}'",
        _ => "this",
    };

    private static bool IsSection(Type type) => type != typeof(string) && type.IsClass;

    private static Type? DictionaryValueType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) ? type.GetGenericArguments()[1] : null;

    /// <summary>The property a camelCase key names (memoryMiB → MemoryMiB), as the deserializer maps it.</summary>
    private static Type? PropertyType(Type type, string key) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .FirstOrDefault(p => p.CanWrite && char.ToLowerInvariant(p.Name[0]) + p.Name[1..] == key)?.PropertyType;

    private static int Line(Mark mark) => (int)mark.Line;
    private static int Column(Mark mark) => (int)mark.Column;
}
