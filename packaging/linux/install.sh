#!/bin/sh
# Install the Woo Customers bundle for the current user, no root needed; safe to run again.
#
#   packaging/linux/install.sh [--no-default] [BUNDLE]
#
# BUNDLE is the folder `make package` built (default: dist/woo-customers beside this repo).
# It puts
#   the bundle          in ${XDG_DATA_HOME:-~/.local/share}/io.github.woocustomers.WooCustomers/
#   a launcher          ~/.local/bin/woo-customers (a link; an unrelated file there is kept)
#   the desktop entry   .../applications/io.github.woocustomers.WooCustomers.desktop
#   the icons           .../icons/hicolor/<size>/apps/io.github.woocustomers.WooCustomers.png/.svg
#   the AppStream data  .../metainfo/io.github.woocustomers.WooCustomers.metainfo.xml
# then refreshes the desktop and icon caches and, unless --no-default, makes the app the
# default for CSV files (xdg-mime), where those tools exist. uninstall.sh undoes all of it.
set -eu

APP_ID=io.github.woocustomers.WooCustomers
HERE=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
ROOT=$(CDPATH='' cd -- "$HERE/../.." && pwd)

make_default=yes
bundle=
for argument in "$@"; do
    case $argument in
        --no-default) make_default=no ;;
        -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "install.sh: unknown option $argument" >&2; exit 2 ;;
        *) bundle=$argument ;;
    esac
done
bundle=${bundle:-$ROOT/dist/woo-customers}

if [ ! -x "$bundle/woo-customers" ]; then
    echo "install.sh: no bundle at $bundle (run 'make package' first)" >&2
    exit 1
fi
bundle=$(CDPATH='' cd -- "$bundle" && pwd)

data_home=${XDG_DATA_HOME:-$HOME/.local/share}
target=$data_home/$APP_ID
bin_dir=$HOME/.local/bin
launcher=$bin_dir/woo-customers
program=$target/woo-customers
icons=$data_home/icons/hicolor

# The bundle: copied next to its place, then swapped in, so a failed copy leaves the old one.
mkdir -p "$data_home"
rm -rf "$target.new"
cp -R "$bundle" "$target.new"
rm -rf "$target"
mv "$target.new" "$target"

# The launcher for shells: a link (the bundle finds its files through /proc/self/exe).
mkdir -p "$bin_dir"
if [ -L "$launcher" ] || [ ! -e "$launcher" ]; then
    ln -sfn "$program" "$launcher"
else
    echo "install.sh: kept the existing $launcher (not ours); the menu entry runs $program" >&2
fi

# The desktop entry, pointing at the installed program (quoted: the path may hold spaces).
mkdir -p "$data_home/applications"
sed -e "s|^Exec=.*|Exec=\"$program\" %f|" -e "/^Exec=/a TryExec=$program" \
    "$HERE/$APP_ID.desktop" > "$data_home/applications/$APP_ID.desktop"

# The icons: every rendered size from the bundle, and the SVG when this is a source checkout.
for png in "$target"/_internal/resources/icons/hicolor/*/apps/"$APP_ID.png"; do
    [ -f "$png" ] || continue
    size=$(basename "$(dirname "$(dirname "$png")")")
    mkdir -p "$icons/$size/apps"
    cp "$png" "$icons/$size/apps/$APP_ID.png"
done
if [ -f "$ROOT/resources/icons/woo-customers.svg" ]; then
    mkdir -p "$icons/scalable/apps"
    cp "$ROOT/resources/icons/woo-customers.svg" "$icons/scalable/apps/$APP_ID.svg"
fi

mkdir -p "$data_home/metainfo"
cp "$HERE/$APP_ID.metainfo.xml" "$data_home/metainfo/$APP_ID.metainfo.xml"

# Caches and the CSV default, where the desktop has the tools.
if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$data_home/applications" || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1; then
    gtk-update-icon-cache -q -t -f "$icons" || true
fi
if [ "$make_default" = yes ] && command -v xdg-mime >/dev/null 2>&1; then
    xdg-mime default "$APP_ID.desktop" text/csv || true
fi

echo "Installed Woo Customers in $target"
case ":$PATH:" in
    *":$bin_dir:"*) ;;
    *) echo "Add $bin_dir to your PATH to run 'woo-customers' from a shell." ;;
esac
