<?php
// Stands in for a 300 ms I/O wait (a slow database or API call): the worker is busy, the CPU is not.
usleep(300000);
header('Content-Type: text/plain');
echo "waited 300 ms\n";
