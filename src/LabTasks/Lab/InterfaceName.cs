using System.Text.Json.Nodes;
using VirtLab.Util;

namespace VirtLab.Lab;

/// <summary>Interface and namespace names as the kernel and iproute2 accept them.</summary>
public static class InterfaceName
{
    /// <summary>IFNAMSIZ minus the terminating NUL.</summary>
    public const int MaxLength = 15;

    public static void Validate(string? name, string what)
    {
        // A leading '-' would be read as an option by ip; "." and ".." are refused by the kernel.
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength || name[0] == '-' || name is "." or ".."
            || !name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '.' or '-'))
            throw new LabException(LabCodes.LabNetwork, $"'{name}' is not a valid {what} name.",
                $"use 1–{MaxLength} letters, digits, '_', '.' or '-' (not starting with '-').");
    }

    public static void ValidateNamespace(string name)
    {
        if (name.Length is 0 or > 64 || name[0] is '-' or '.' || !name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '.' or '-'))
            throw new LabException(LabCodes.LabNetwork, $"'{name}' is not a valid network namespace name.",
                "use up to 64 letters, digits, '_', '.' or '-', not starting with '-' or '.'.");
    }
}
