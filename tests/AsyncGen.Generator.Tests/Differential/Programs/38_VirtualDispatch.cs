// [PollAsync] virtual, abstract and override methods: C# runs the override of the receiver's run-time type, so a
// call that C# dispatches virtually is neither intercepted nor embedded (it runs the method C# compiled, through the
// fallback builder, reported by AG0009); a call whose target is known statically (base., sealed) keeps its machine.

public static partial class P_VdBaseReferenceToDerived
{
    public partial class Animal
    {
        [PollAsync]
        public virtual async Future<string> Speak(List<string> log)
        {
            log.Add("animal speaks");
            await Ops.Yield();
            return "...";
        }

        // Plain code: a virtual call, not intercepted.
        public Future<string> SpeakLater(List<string> log) => Speak(log);
    }

    public partial class Dog : Animal
    {
        [PollAsync]
        public override async Future<string> Speak(List<string> log)
        {
            log.Add("dog speaks");
            await Ops.Yield();
            return "woof";
        }
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        Animal animal = new Dog();
        var embedded = await animal.Speak(log);       // awaited in a machine: not embedded
        var plain = await animal.SpeakLater(log);      // plain code: not intercepted
        var boxed = animal.Speak(log);                 // stored in a machine: not boxed as Animal's machine
        return embedded + " " + plain + " " + await boxed + " " + await new Animal().Speak(log);
    }
}

public static partial class P_VdStaticallyKnownTargets
{
    public partial class Animal
    {
        [PollAsync]
        public virtual async Future<string> Speak(List<string> log)
        {
            log.Add("animal speaks");
            await Ops.Yield();
            return "...";
        }
    }

    public partial class SealedDog : Animal
    {
        [PollAsync]
        public sealed override async Future<string> Speak(List<string> log)
        {
            log.Add("sealed dog speaks");
            await Ops.Yield();
            return "WOOF";
        }

        // base.: C# calls Animal's body, whatever the object.
        public Future<string> AsAnimal(List<string> log) => base.Speak(log);
    }

    public sealed partial class Puppy : Animal
    {
        [PollAsync]
        public override async Future<string> Speak(List<string> log)
        {
            log.Add("puppy speaks");
            await Ops.Yield();
            return "yip";
        }
    }

    // Plain code: intercepted (sealed override, sealed class).
    private static Future<string> Plain(SealedDog dog, Puppy puppy, List<string> log) => Concat(dog.Speak(log), puppy.Speak(log));

    [PollAsync]
    private static async Future<string> Concat(Future<string> a, Future<string> b) => await a + "+" + await b;

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var dog = new SealedDog();
        var puppy = new Puppy();
        var sealedOverride = await dog.Speak(log);    // sealed override: embedded
        var sealedClass = await puppy.Speak(log);     // sealed class: embedded
        var viaBase = await dog.AsAnimal(log);        // base.Speak(): intercepted by Animal's machine
        return sealedOverride + " " + sealedClass + " " + viaBase + " " + await Plain(dog, puppy, log);
    }
}

public static partial class P_VdAbstractAndOverrides
{
    public abstract partial class Shape
    {
        [PollAsync]
        public virtual async Future<string> Describe() { await Ops.Yield(); return "shape " + await Area(); }

        public abstract Future<string> Area();
    }

    public partial class Square : Shape
    {
        [PollAsync]
        public override async Future<string> Area() { await Ops.Yield(); return "4"; }

        [PollAsync]
        public override async Future<string> Describe() { await Ops.Yield(); return "square " + await Area(); }
    }

    public partial class BigSquare : Square
    {
        [PollAsync]
        public override async Future<string> Area() { await Ops.Yield(); return "16"; }
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        Shape shape = new BigSquare();
        Square square = new BigSquare();
        var a = await shape.Describe();
        var b = await square.Area();
        var c = await square.Describe();
        log.Add("areas " + await shape.Area() + " " + await new Square().Area());
        return a + " | " + b + " | " + c;
    }
}

public static partial class P_VdProtectedVirtualWithProtectedType
{
    public partial class Vault
    {
        protected class Secret { public int V = 7; }

        [PollAsync]
        protected virtual async Future<string> Reveal(Secret s) { await Ops.Yield(); return "vault " + s.V; }

        // Plain code in the base type: a protected virtual call (the hosted interceptor must not bind it to this body).
        public Future<string> CallReveal() => Reveal(new Secret());
    }

    public partial class Bank : Vault
    {
        [PollAsync]
        protected override async Future<string> Reveal(Secret s) { await Ops.Yield(); return "bank " + (s.V + 1); }
    }

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        Vault vault = new Bank();
        return await vault.CallReveal() + " " + await new Vault().CallReveal();
    }
}

// A sealed receiver type that inherits a virtual [PollAsync] method (or its override) runs exactly the body its chain
// provides: the call's target is known statically, so it keeps that body's machine (intercepted in plain code,
// embedded in a machine), including an unqualified call made inside the sealed type.
public static partial class P_VdSealedReceiverInherits
{
    public partial class Animal
    {
        [PollAsync]
        public virtual async Future<string> Speak(List<string> log)
        {
            log.Add("animal speaks");
            await Ops.Yield();
            return "...";
        }
    }

    public partial class Dog : Animal
    {
        [PollAsync]
        public override async Future<string> Speak(List<string> log)
        {
            log.Add("dog speaks");
            await Ops.Yield();
            return "woof";
        }
    }

    // Inherits Dog's override.
    public sealed partial class Puppy : Dog
    {
        // Plain code in the sealed type, unqualified: Dog's body, intercepted.
        public Future<string> Again(List<string> log) => Speak(log);

        [PollAsync]
        public async Future<string> Twice(List<string> log) => await Speak(log) + await this.Speak(log);
    }

    // Inherits Animal's virtual method itself.
    public sealed partial class Fish : Animal
    {
    }

    private static Future<string> Plain(Puppy puppy, Fish fish, List<string> log) => Pair(puppy.Speak(log), fish.Speak(log));

    [PollAsync]
    private static async Future<string> Pair(Future<string> a, Future<string> b) => await a + "+" + await b;

    [PollAsync]
    public static async Future<string> Run(List<string> log)
    {
        var puppy = new Puppy();
        var fish = new Fish();
        var inherited = await puppy.Speak(log);       // Dog's override: embedded
        var virtualItself = await fish.Speak(log);    // Animal's method: embedded
        var unqualified = await puppy.Again(log);
        return inherited + " " + virtualItself + " " + unqualified + " " + await puppy.Twice(log) + " " + await Plain(puppy, fish, log);
    }
}
