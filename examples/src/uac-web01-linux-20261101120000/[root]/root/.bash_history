apt update
apt upgrade -y
systemctl status apache2
tail -n 50 /var/log/apache2/error.log
top
ls -la /tmp
cd /tmp && wget https://github.com/tclahr/uac/releases/download/v3.3.0/uac-3.3.0.tar.gz
tar xzf uac-3.3.0.tar.gz && cd uac-3.3.0
./uac -p ir_triage /tmp
