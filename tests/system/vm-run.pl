#!/usr/bin/perl
# Run one qemu-system-aarch64 VM to its end and record what it did, with host time stamps:
#
#   tests/system/vm-run.pl --dir DIR --timeout SECONDS [--boot-timeout SECONDS]
#                          [--name NAME] -- QEMU-ARGS...
#
# The caller's QEMU-ARGS describe the machine; this adds the serial console and the QMP
# monitor as unix sockets in DIR (so the caller must not set -serial, -monitor or -qmp)
# and -S: qemu starts paused, both sockets are connected, then QMP "cont" starts the
# guest, so no console byte and no event is lost. It writes
#
#   DIR/NAME.console   the serial console as the guest wrote it (CR LF line ends)
#   DIR/NAME.lines     one line per console line: seconds since power-on, a tab, the
#                      line (CRs and ANSI escapes removed)
#   DIR/NAME.events    one line per QMP event: seconds since power-on, a tab, the event
#                      (RESET, WATCHDOG, SHUTDOWN, ...), a tab, its data as qemu sent it
#
# and echoes the lines that matter for following a run (U-Boot's banner, "paios-boot:",
# "paios-init: FATAL", "PAIOS-SYS", "paios-bad-init", kernel panics, QMP events) to
# stderr, prefixed with NAME and the time. The run ends when qemu exits (the guest
# powered off: under U-Boot a reboot or a watchdog reset just starts the firmware again),
# or at the timeout (--timeout for the whole run, --boot-timeout for one boot: from one
# U-Boot banner to the next): then QMP "quit", and SIGKILL if qemu lingers.
#
# Exit status: qemu's (0 after a guest power-off), 124 on the timeout, 2 on a usage or
# setup error. Modules of perl-base and perl (Time::HiRes), nothing from CPAN.
use strict;
use warnings;
use Getopt::Long qw(:config require_order);
use IO::Select;
use IO::Socket::UNIX;
use POSIX qw(WNOHANG);
use Time::HiRes qw(time sleep);

my ($dir, $timeout, $boot_timeout, $name) = ('', 0, 0, 'vm');
GetOptions('dir=s' => \$dir, 'timeout=i' => \$timeout, 'boot-timeout=i' => \$boot_timeout, 'name=s' => \$name)
  or die "vm-run: bad options\n";
shift @ARGV if @ARGV && $ARGV[0] eq '--';
if (!$dir || $timeout <= 0 || !@ARGV) {
	print STDERR "usage: vm-run.pl --dir DIR --timeout SECONDS [--boot-timeout SECONDS] [--name NAME] -- QEMU-ARGS...\n";
	exit 2;
}
-d $dir or die "vm-run: $dir: no such directory\n";

my $con_path = "$dir/$name.con.sock";
my $qmp_path = "$dir/$name.qmp.sock";
unlink $con_path, $qmp_path;
open(my $raw, '>', "$dir/$name.console") or die "vm-run: $dir/$name.console: $!\n";
open(my $lines, '>', "$dir/$name.lines") or die "vm-run: $dir/$name.lines: $!\n";
open(my $events, '>', "$dir/$name.events") or die "vm-run: $dir/$name.events: $!\n";
$_->autoflush(1) for $raw, $lines, $events;
STDERR->autoflush(1);

my @qemu = (@ARGV, '-S', '-monitor', 'none',
	'-chardev', "socket,id=paios_con,path=$con_path,server=on,wait=off", '-serial', 'chardev:paios_con',
	'-chardev', "socket,id=paios_qmp,path=$qmp_path,server=on,wait=off", '-mon', 'chardev=paios_qmp,mode=control');
my $start = time;
my $pid = fork() // die "vm-run: fork: $!\n";
if ($pid == 0) {
	open(STDIN, '<', '/dev/null');
	exec { $qemu[0] } @qemu or die "vm-run: exec $qemu[0]: $!\n";
}
my $status;    # qemu's wait status, once it has exited
sub reap { if (!defined $status && waitpid($pid, WNOHANG) == $pid) { $status = $? } return defined $status }
sub stamp { sprintf '%.1f', time - $start }

sub connect_to {
	my ($path) = @_;
	for (1 .. 300) {
		my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Peer => $path);
		return $s if $s;
		die "vm-run: qemu exited before $path appeared (status " . ($status >> 8) . ")\n" if reap();
		sleep 0.05;
	}
	die "vm-run: cannot connect to $path\n";
}
my $con = connect_to($con_path);
my $qmp = connect_to($qmp_path);

my $qbuf = '';
# qmp_command CMD: send one command and wait for its reply (events that come first are
# logged as usual).
sub qmp_line;
sub qmp_command {
	my ($cmd) = @_;
	print $qmp qq({"execute": "$cmd"}\n);
	my $deadline = time + 20;
	while (time < $deadline) {
		while ($qbuf =~ s/^([^\n]*)\n//) {
			my $l = $1;
			return 1 if $l =~ /^\{"return"/;
			die "vm-run: QMP $cmd: $l\n" if $l =~ /^\{"error"/;
			qmp_line($l);
		}
		my $n = sysread($qmp, my $chunk, 65536);
		die "vm-run: QMP closed during $cmd\n" unless $n;
		$qbuf .= $chunk;
	}
	die "vm-run: QMP $cmd: no reply\n";
}
sub qmp_line {
	my ($l) = @_;
	return unless $l =~ /"event":\s*"([A-Z_]+)"/;
	my $ev = $1;
	my $data = $l =~ /"data":\s*(\{[^{}]*\})/ ? $1 : '{}';
	my $t = stamp();
	print $events "$t\t$ev\t$data\n";
	print STDERR "$name [$t] qemu event $ev $data\n";
}
# the greeting, then capabilities negotiation, then the guest may run
{
	my $deadline = time + 20;
	until ($qbuf =~ s/^\{"QMP".*\n//) {
		die "vm-run: no QMP greeting\n" if time > $deadline;
		my $n = sysread($qmp, my $chunk, 65536);
		die "vm-run: QMP closed before its greeting\n" unless $n;
		$qbuf .= $chunk;
	}
}
qmp_command('qmp_capabilities');
$start = time;    # power-on: the times are the guest's, from here
qmp_command('cont');

my $cbuf = '';
my $boot_start = time;    # the last U-Boot banner (or power-on)
my $interesting = qr/^(U-Boot 20|paios-boot:|paios-init: (FATAL|WARNING)|PAIOS-SYS|paios-bad-init|.*Kernel panic|.*paios-health:)/;
sub con_line {
	my ($l) = @_;
	$l =~ s/\r//g;
	$l =~ s/\e\[[0-9;?]*[A-Za-z]//g;
	my $t = stamp();
	print $lines "$t\t$l\n";
	$boot_start = time if $l =~ /^U-Boot 20/;
	# PAIOS-SYS lines may come through the journal's console prefix: show them bare
	my $show = $l =~ /(PAIOS-SYS .*)/ ? $1 : $l;
	print STDERR "$name [$t] $show\n" if $l =~ $interesting || $l =~ /PAIOS-SYS /;
}

my $sel = IO::Select->new($con, $qmp);
my $deadline = $start + $timeout;
my $timed_out = '';
while (1) {
	if (time > $deadline) { $timed_out = "the run's timeout (${timeout}s)"; last }
	if ($boot_timeout && time > $boot_start + $boot_timeout) {
		$timed_out = "the boot timeout (${boot_timeout}s since the last U-Boot banner)";
		last;
	}
	for my $fh ($sel->can_read(0.5)) {
		my $n = sysread($fh, my $chunk, 65536);
		if (!$n) { $sel->remove($fh); next }
		if ($fh == $con) {
			print $raw $chunk;
			$cbuf .= $chunk;
			con_line($1) while $cbuf =~ s/^([^\n]*)\n//;
		} else {
			$qbuf .= $chunk;
			qmp_line($1) while $qbuf =~ s/^([^\n]*)\n//;
		}
	}
	last if reap() || !$sel->count;
}
if ($timed_out) {
	print STDERR "$name [" . stamp() . "] $timed_out expired: stopping qemu\n";
	print $lines stamp() . "\tvm-run: $timed_out expired: qemu stopped\n";
	eval { print $qmp qq({"execute": "quit"}\n) };
	for (1 .. 100) { last if reap(); sleep 0.1 }
	if (!reap()) { kill 'KILL', $pid; waitpid($pid, 0); $status = $? }
}
if (!reap()) { waitpid($pid, 0); $status = $? }
con_line($cbuf) if length $cbuf;
unlink $con_path, $qmp_path;
my $code = $timed_out ? 124 : ($status & 127 ? 128 + ($status & 127) : $status >> 8);
print STDERR "$name [" . stamp() . "] qemu " . ($timed_out ? 'stopped by the timeout' : "exited with status $code") . "\n";
exit $code;
