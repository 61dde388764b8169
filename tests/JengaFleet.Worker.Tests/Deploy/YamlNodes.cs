using YamlDotNet.RepresentationModel;

namespace JengaFleet.Worker.Tests.Deploy;

/// <summary>Reading YAML as compose and Helm see it: "&lt;&lt;" merge keys resolved, scalars as strings.</summary>
internal static class YamlNodes
{
    /// <summary>The entries of a mapping with its "&lt;&lt;" merges applied (own keys win).</summary>
    public static Dictionary<string, YamlNode> Entries(YamlNode node)
    {
        var result = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        var mapping = (YamlMappingNode)node;
        foreach (var (key, value) in mapping.Children)
        {
            if (Scalar(key) != "<<")
                continue;
            var sources = value is YamlSequenceNode seq ? seq.Children : [value];
            foreach (var source in sources)
            {
                foreach (var (k, v) in Entries(source))
                    result[k] = v;
            }
        }

        foreach (var (key, value) in mapping.Children)
        {
            if (Scalar(key) != "<<")
                result[Scalar(key)] = value;
        }

        return result;
    }

    public static YamlNode? Child(YamlNode node, params string[] path)
    {
        var current = node;
        foreach (var name in path)
        {
            if (current is not YamlMappingNode || !Entries(current).TryGetValue(name, out var next))
                return null;
            current = next;
        }

        return current;
    }

    public static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value ?? "";

    /// <summary>A string map (compose "environment" in map or list form, a Helm values map).</summary>
    public static Dictionary<string, string> StringMap(YamlNode? node)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (node)
        {
            case null:
                break;
            case YamlSequenceNode list:
                foreach (var item in list.Children.Select(Scalar))
                {
                    var eq = item.IndexOf('=');
                    result[eq < 0 ? item : item[..eq]] = eq < 0 ? "" : item[(eq + 1)..];
                }

                break;
            default:
                foreach (var (k, v) in Entries(node))
                    result[k] = Scalar(v);
                break;
        }

        return result;
    }
}
