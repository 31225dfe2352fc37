namespace AsyncGen.Analyzers.CodeFixes;
