using System.Globalization;
using System.Reflection;
using Microsoft.Build.Framework;
using VirtLab.Util;

namespace VirtLab.Tasks;

/// <summary>
/// Sets a task's parameters by name, from strings and items, converting as MSBuild does for a task
/// written in a target (string, int, double, bool, ITaskItem, ITaskItem[]). Used by MeasureCells
/// to run the task a VirtLabMeasurement item names with that item's metadata as its parameters.
/// </summary>
public static class TaskParameters
{
    public static bool Has(Type taskType, string name) => Property(taskType, name) is not null;

    /// <summary>Sets <paramref name="name"/> if the task has such a parameter; returns whether it did.</summary>
    public static bool TrySet(ITask task, string name, object value)
    {
        if (Property(task.GetType(), name) is not { } property) return false;
        property.SetValue(task, Convert(task, property, value));
        return true;
    }

    public static void Set(ITask task, string name, object value)
    {
        if (!TrySet(task, name, value))
            throw new LabException(LabCodes.ConfigBadValue, $"The task {task.GetType().Name} has no parameter '{name}'.",
                $"remove {name} from the VirtLabMeasurement item, or name a parameter {task.GetType().Name} declares.");
    }

    private static PropertyInfo? Property(Type taskType, string name)
    {
        var property = taskType.GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
        return property is { CanWrite: true } && property.SetMethod!.IsPublic ? property : null;
    }

    private static object? Convert(ITask task, PropertyInfo property, object value)
    {
        var type = property.PropertyType;
        if (value is ITaskItem[] items)
            return type == typeof(ITaskItem[]) ? items : type == typeof(ITaskItem) ? items.SingleOrDefault() : Convert(task, property, items.Length == 0 ? "" : items[0].ItemSpec);
        if (value is ITaskItem item)
            return type == typeof(ITaskItem) ? item : type == typeof(ITaskItem[]) ? new[] { item } : Convert(task, property, item.ItemSpec);
        var text = (string)value;
        try
        {
            if (type == typeof(string)) return text;
            if (type == typeof(int)) return int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
            if (type == typeof(double)) return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            if (type == typeof(bool)) return text.Length != 0 && bool.Parse(text);
        }
        catch (FormatException)
        {
            throw new LabException(LabCodes.ConfigBadValue, $"{task.GetType().Name}.{property.Name} = '{text}' is not a {type.Name}.",
                "fix the value in the VirtLabMeasurement item or in lab.yaml.");
        }
        throw new LabException(LabCodes.ConfigBadValue, $"{task.GetType().Name}.{property.Name} is a {type.Name}, which MeasureCells cannot set.",
            "give the task string, number, bool or item parameters.");
    }
}
