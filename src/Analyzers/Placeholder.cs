namespace AsyncGen.Analyzers;
