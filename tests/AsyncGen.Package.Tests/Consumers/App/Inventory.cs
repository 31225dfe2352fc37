using AsyncGen;

namespace App;

// A class that keeps its helper type private, in the project's RootNamespace: the package lists that namespace in
// InterceptorsNamespaces, so the call in Report is intercepted by a member of Inventory (no AG0009).
public partial class Inventory
{
    private sealed record Item(string Name, int Count);

    [PollAsync]
    private static async Future<Item> Restock(Item item)
    {
        await Future.Yield();
        return item with { Count = item.Count + 2 };
    }

    public static string Report()
    {
        var restock = Restock(new Item("nut", 3));
        return $"Inventory: {Executor.BlockOn(restock).Count} as {restock.GetType()}";
    }
}
