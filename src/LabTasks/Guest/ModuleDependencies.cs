using VirtLab.Util;

namespace VirtLab.Guest;

/// <summary>
/// The module graph from a kernel's modules.dep ("kernel/a.ko: kernel/b.ko kernel/c.ko" — path
/// relative to /lib/modules/VERSION, then the modules it needs) and load-order resolution.
/// </summary>
public sealed class ModuleDependencies
{
    private readonly Dictionary<string, string> _pathByName = new();
    private readonly Dictionary<string, IReadOnlyList<string>> _depsByPath = new();
    private readonly HashSet<string> _builtin = new();

    public static ModuleDependencies Parse(string modulesDep, string? modulesBuiltin = null)
    {
        var graph = new ModuleDependencies();
        foreach (var raw in modulesDep.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var colon = line.IndexOf(':');
            if (colon <= 0) throw new FormatException($"modules.dep line without ':' — '{line}'.");
            var path = line[..colon].Trim();
            var deps = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            graph._depsByPath[path] = deps;
            graph._pathByName[NameOf(path)] = path;
        }
        foreach (var raw in (modulesBuiltin ?? "").Split('\n'))
            if (raw.Trim().Length > 0) graph._builtin.Add(NameOf(raw.Trim()));
        return graph;
    }

    public int Count => _depsByPath.Count;

    /// <summary>"kernel/drivers/net/virtio_net.ko.xz" → "virtio_net"; the kernel treats '-' and '_' alike.</summary>
    public static string NameOf(string pathOrName)
    {
        var name = pathOrName[(pathOrName.LastIndexOf('/') + 1)..];
        foreach (var suffix in new[] { ".xz", ".zst", ".gz" })
            if (name.EndsWith(suffix, StringComparison.Ordinal)) name = name[..^suffix.Length];
        if (name.EndsWith(".ko", StringComparison.Ordinal)) name = name[..^3];
        return name.Replace('-', '_');
    }

    public bool IsBuiltin(string name) => _builtin.Contains(NameOf(name));

    public string? PathOf(string name) => _pathByName.GetValueOrDefault(NameOf(name));

    /// <summary>
    /// The module files (relative paths) to insmod for <paramref name="names"/>, every module after
    /// the modules it needs, each once. Built-in modules are skipped; unknown ones are an error.
    /// </summary>
    public IReadOnlyList<string> LoadOrder(IEnumerable<string> names)
    {
        var order = new List<string>();
        var done = new HashSet<string>();
        var inProgress = new HashSet<string>();
        foreach (var name in names)
        {
            if (IsBuiltin(name)) continue;
            var path = PathOf(name) ?? throw new LabException(LabCodes.GuestImage,
                $"Kernel module '{name}' is neither in modules.dep nor built in.",
                "check the module name (modinfo NAME) or use a kernel that provides it");
            Visit(path, order, done, inProgress);
        }
        return order;
    }

    private void Visit(string path, List<string> order, HashSet<string> done, HashSet<string> inProgress)
    {
        if (done.Contains(path)) return;
        if (!inProgress.Add(path))
            throw new LabException(LabCodes.GuestImage, $"modules.dep has a dependency cycle through '{path}'.");
        if (!_depsByPath.TryGetValue(path, out var deps))
            throw new LabException(LabCodes.GuestImage, $"modules.dep names '{path}' as a dependency but has no entry for it.",
                "regenerate modules.dep with depmod");
        foreach (var dep in deps) Visit(dep, order, done, inProgress);
        inProgress.Remove(path);
        done.Add(path);
        order.Add(path);
    }
}
