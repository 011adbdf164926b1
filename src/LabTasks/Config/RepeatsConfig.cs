using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace VirtLab.Config;

/// <summary>
/// profiles.&lt;name&gt;.repeats: a plain count (<c>repeats: 3</c>, every cell measured exactly that
/// often) or adaptive repeats (<c>repeats: {min: 3, max: 10, targetRsdPercent: 3.5}</c>: measure
/// until the quiet repeats' relative standard deviation is at most the target, or max runs).
/// </summary>
public sealed class RepeatsConfig : IYamlConvertible, IScalarShorthand
{
    public int Min { get; set; } = 3;

    /// <summary>At most this many runs (0: as many as Min, a plain count).</summary>
    public int Max { get; set; }

    /// <summary>0: a plain count.</summary>
    public double TargetRsdPercent { get; set; }

    public bool IsAdaptive => TargetRsdPercent > 0;

    public static RepeatsConfig Count(int repeats) => new() { Min = repeats };

    public override string ToString() => IsAdaptive
        ? string.Create(CultureInfo.InvariantCulture, $"{{min: {Min}, max: {Max}, targetRsdPercent: {TargetRsdPercent}}}")
        : Min.ToString(CultureInfo.InvariantCulture);

    void IYamlConvertible.Read(IParser parser, Type expectedType, ObjectDeserializer nestedObjectDeserializer)
    {
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            if (!int.TryParse(scalar.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count))
                throw new YamlException(scalar.Start, scalar.End, $"repeats '{scalar.Value}' is not a whole number (or a section min/max/targetRsdPercent).");
            Min = count;
            return;
        }
        var section = (RepeatsSection)nestedObjectDeserializer(typeof(RepeatsSection))!;
        (Min, Max, TargetRsdPercent) = (section.Min, section.Max, section.TargetRsdPercent);
    }

    void IYamlConvertible.Write(IEmitter emitter, ObjectSerializer nestedObjectSerializer) =>
        nestedObjectSerializer(IsAdaptive ? new RepeatsSection { Min = Min, Max = Max, TargetRsdPercent = TargetRsdPercent } : Min);
}
