# The same trigger from perl, which loads libexpat.so.1 with dlopen (FFI::Platypus).
use strict;
use warnings;
use FFI::Platypus 2.00;
use Time::HiRes qw(usleep);
$| = 1;
my $ffi = FFI::Platypus->new(api => 2, lib => 'libexpat.so.1');
my $create = $ffi->function(XML_ParserCreate => ['opaque'] => 'opaque');
my $stop = $ffi->function(XML_StopParser => ['opaque', 'int'] => 'int');
my $error = $ffi->function(XML_GetErrorCode => ['opaque'] => 'int');
my $free = $ffi->function(XML_ParserFree => ['opaque'] => 'void');
for (;;) {
    my $parser = $create->call(undef);
    my $result = $stop->call($parser, 1);
    printf "stop=%d err=%d\n", $result, $error->call($parser);
    $free->call($parser);
    usleep(50000);
}
