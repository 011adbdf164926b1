using Microsoft.Build.Framework;
using VirtLab.Migration;

namespace VirtLab.Tasks;

/// <summary>
/// Runs one live-migration scenario (a cell) on the guest BootGuest started in the lab namespace:
/// each migration goes to a new QEMU process on the same br0 (<see cref="NamespaceSites"/>).
/// </summary>
public sealed class LiveMigrate : MigrationTask
{
    [Output] public string CurrentGuest { get; private set; } = "";

    protected override void Run()
    {
        WidenThreadPool();
        var scenario = ScenarioName();
        if (Scenario.Length == 0) Scenario = scenario;
        var plan = Plan(scenario);
        // The spec BootGuest started the guest with (same tap name, MAC, kernel arguments and variant).
        var spec = Spec(GuestName, Accel);
        WarnWithoutPti(scenario, spec);
        CurrentGuest = Measure(new NamespaceSites(Lab, LabGuest.Launcher(Lab)), spec, plan, scenario);
    }

    protected override string CurrentOf(IScenarioSites sites) => GuestIdentity.Current(Lab, GuestName);
}
