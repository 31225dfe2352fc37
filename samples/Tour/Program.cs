// The AsyncGen tour: the seed article ("Demystifying Rust's Async"), live, section by section.
using AsyncGen.Tour.Sections;

Console.WriteLine("AsyncGen tour — Rust's async model in C#, section by section.");
Console.WriteLine();
FuturesAreLazy.Run();
PollingByHand.Run();
ExecutorLoop.Run();
TcpReadFlow.Run();
LostWakeUp.Run();
WhatHappensDuringAwait.Run();
Console.WriteLine("Tour complete.");
