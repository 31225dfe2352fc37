using AsyncGen.Drivers;

namespace AsyncGen.Runtime.Tests.Drivers;

public class DriverSelectionTests
{
    [Fact]
    public void Options_name_the_driver_of_a_local_executor()
    {
        using var executor = new LocalExecutor(new DriverOptions { Driver = IoDriverKind.Epoll });
        Assert.Equal(IoDriverKind.Epoll, executor.IoDriver);
    }

    [Fact]
    public void Options_name_the_driver_of_a_work_stealing_executor()
    {
        using var executor = new WorkStealingExecutor(1, new DriverOptions { Driver = IoDriverKind.Epoll });
        Assert.Equal(IoDriverKind.Epoll, executor.IoDriver);
    }

    [Theory]
    [InlineData("epoll", IoDriverKind.Epoll)]
    [InlineData("io_uring", IoDriverKind.IoUring)]
    [InlineData(" IO_URING ", IoDriverKind.IoUring)]
    [InlineData("portable", IoDriverKind.Portable)]
    public void The_environment_variable_chooses_when_the_options_say_auto(string value, IoDriverKind expected)
    {
        Assert.Equal(expected, DriverFactory.Resolve(IoDriverKind.Auto, value));
    }

    [Fact]
    public void Options_that_name_a_driver_win_over_the_environment()
    {
        Assert.Equal(IoDriverKind.Epoll, DriverFactory.Resolve(IoDriverKind.Epoll, "portable"));
    }

    [Fact]
    public void Without_options_or_environment_Linux_gets_a_native_driver()
    {
        var kind = DriverFactory.Resolve(IoDriverKind.Auto, environment: null);
        Assert.Contains(kind, new[] { IoDriverKind.Epoll, IoDriverKind.IoUring });
    }

    [Fact]
    public void An_environment_variable_that_names_no_driver_throws_and_lists_the_valid_ones()
    {
        var error = Assert.Throws<InvalidOperationException>(() => DriverFactory.Resolve(IoDriverKind.Auto, "kqueue"));
        Assert.Contains("ASYNCGEN_DRIVER", error.Message);
        Assert.Contains("epoll, io_uring or portable", error.Message);
    }
}
