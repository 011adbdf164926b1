using System.Security;
using System.Text;

namespace VirtLab.Util;

public static class MSBuildEscaping
{
    /// <summary>Escapes a value for an MSBuild property in a generated XML file.</summary>
    public static string ForPropertyValue(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var ch in value)
        {
            if ("%$@;'*?".Contains(ch)) sb.Append('%').Append(((int)ch).ToString("X2"));
            else sb.Append(ch);
        }
        return SecurityElement.Escape(sb.ToString());
    }
}
