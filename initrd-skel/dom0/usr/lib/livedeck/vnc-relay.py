# vnc-relay.py LISTEN_ADDR LISTEN_PORT TARGET_ADDR TARGET_PORT: a plain TCP relay from dom0's
# outside address to a graphical guest's VNC server (the guest network is private to dom0), for
# VNC viewers on other machines. Run by vnc-web with the VNC tools' Python (vnc-tools' root); the
# guest's own VNC authentication guards it.
import asyncio
import sys

listen_addr, listen_port, target_addr, target_port = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])


async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    finally:
        writer.close()


async def client(reader, writer):
    try:
        up_reader, up_writer = await asyncio.open_connection(target_addr, target_port)
    except OSError as e:
        print(f"vnc-relay: {target_addr}:{target_port}: {e}", flush=True)
        writer.close()
        return
    await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer), return_exceptions=True)


async def main():
    server = await asyncio.start_server(client, listen_addr, listen_port)
    print(f"vnc-relay: {listen_addr}:{listen_port} -> {target_addr}:{target_port}", flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
