"""The `phoihop` command line. Its libraries' own words are set to Vietnamese before they are imported."""

from phoihop.cli.vietnamese import use_vietnamese

use_vietnamese()
