Console.WriteLine("AsyncGen tour");
