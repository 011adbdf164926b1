using Scriban;
using Scriban.Runtime;
using VirtLab.Util;

namespace VirtLab.Report;

/// <summary>Renders a Scriban template against a model; template errors are LAB0070 with the template's line.</summary>
public static class TemplateRenderer
{
    public static string Render(string templateFile, object model, IReadOnlyDictionary<string, object?>? extra = null)
    {
        var template = Template.Parse(File.ReadAllText(templateFile), templateFile);
        if (template.HasErrors)
        {
            var first = template.Messages[0];
            throw new LabException(LabCodes.Template, $"The template does not parse: {first.Message}", "fix the template syntax at that line.",
                templateFile, first.Span.Start.Line + 1, first.Span.Start.Column + 1);
        }
        var globals = new ScriptObject();
        globals.Import(model);
        globals.Import(typeof(Formatting));
        foreach (var (key, value) in extra ?? new Dictionary<string, object?>()) globals[key] = value;
        var context = new TemplateContext { StrictVariables = true, MemberRenamer = StandardMemberRenamer.Default };
        context.PushGlobal(globals);
        try
        {
            return template.Render(context);
        }
        catch (Scriban.Syntax.ScriptRuntimeException e)
        {
            throw new LabException(LabCodes.Template, $"The template failed: {e.OriginalMessage}", "fix the template at that line.",
                templateFile, e.Span.Start.Line + 1, e.Span.Start.Column + 1);
        }
    }

    /// <summary>Number formatting for templates and charts: fmt(x, 2) → "1.23", "n/a" for missing values.</summary>
    public static class Formatting
    {
        public static string Fmt(double? value, int decimals = 2) =>
            value is null ? "n/a" : value.Value.ToString("F" + decimals, System.Globalization.CultureInfo.InvariantCulture);

        public static string Pct(double? fraction, int decimals) =>
            fraction is null ? "n/a" : (fraction.Value * 100).ToString("F" + decimals, System.Globalization.CultureInfo.InvariantCulture) + " %";
    }
}
