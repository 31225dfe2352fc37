namespace AsyncGen.Generator;
