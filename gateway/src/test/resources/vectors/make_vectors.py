#!/usr/bin/env python3
"""Signs the gateway tests' webhooks with Python's hmac, hashlib and the cryptography package, apart from the
gateway's own code, and writes vectors.json: python3 make_vectors.py (deterministic: fixed keys, IVs and nonces)."""
import base64, hashlib, hmac, json
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

out = {}
out['telegram'] = {'secret': 'tg-secret-Abc_123', 'body': '{"update_id":10000,"message":{"message_id":1365,"from":{"id":1111111,"is_bot":false,"first_name":"Ana"},"chat":{"id":1111111,"type":"private"},"date":1441645532,"text":"/start"}}'}

body = '{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234"}],"messages":[{"from":"16505551234","id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=","timestamp":"1749416383","type":"text","text":{"body":"Does it come in another color?"}}]},"field":"messages"}]}]}'
sec = 'wa-app-secret-7f3c'
out['whatsapp'] = {'secret': sec, 'body': body, 'sig': 'sha256=' + hmac.new(sec.encode(), body.encode(), hashlib.sha256).hexdigest()}

body = '{"destination":"xxxxxxxxxx","events":[{"type":"message","message":{"type":"text","id":"468789577898262530","quoteToken":"q3Plxr4AgKd","text":"Hello, world"},"webhookEventId":"01H810YECXQQZ37VAXPF6H9E6T","deliveryContext":{"isRedelivery":false},"timestamp":1692251666727,"source":{"type":"user","userId":"U4af4980629"},"replyToken":"38ef843bde154d9b91c21320ffd17a0f","mode":"active"}]}'
sec = 'line-channel-secret-0a1b'
line_sig = lambda b: base64.b64encode(hmac.new(sec.encode(), b.encode(), hashlib.sha256).digest()).decode()
out['line'] = {'secret': sec, 'body': body, 'sig': line_sig(body), 'empty': '{"destination":"xxxxxxxxxx","events":[]}'}
out['line']['emptySig'] = line_sig(out['line']['empty'])

sk = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
pk = sk.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()
ts = '1732181122'
ping = '{"id":"1","application_id":"2","type":1,"version":1,"token":"t"}'
cmd = '{"id":"3","application_id":"2","type":2,"data":{"id":"4","name":"order"},"channel_id":"1042","token":"t2","version":1}'
out['discord'] = {'publicKey': pk, 'timestamp': ts, 'ping': ping, 'pingSig': sk.sign((ts + ping).encode()).hex(),
                  'command': cmd, 'commandSig': sk.sign((ts + cmd).encode()).hex()}

key = 'feishu-encrypt-key-9z'
def feishu_encrypt(plain):
    k = hashlib.sha256(key.encode()).digest(); iv = bytes(range(16))
    p = plain.encode(); pad = 16 - len(p) % 16; p += bytes([pad]) * pad
    c = Cipher(algorithms.AES(k), modes.CBC(iv)).encryptor()
    return base64.b64encode(iv + c.update(p) + c.finalize()).decode()
event = '{"schema":"2.0","header":{"event_id":"5e3702a84e847582be8db7fb73283c02","token":"vtok","create_time":"1608725989000","event_type":"im.message.receive_v1","tenant_key":"2ca1d211f64f6438","app_id":"cli_a0b1c2"},"event":{"sender":{"sender_id":{"open_id":"ou_84aad35d084aa403a838cf73ee18467"},"sender_type":"user","tenant_key":"2ca1d211f64f6438"},"message":{"message_id":"om_5ce6d572455d361153b7cb51da133945","create_time":"1609073151345","chat_id":"oc_5ce6d572455d361153b7cb5xxfsdfsdfdsf","chat_type":"p2p","message_type":"text","content":"{\\"text\\":\\"hello\\"}"}}}'
enc = json.dumps({"encrypt": feishu_encrypt(event)}, separators=(',', ':'))
fts = '1608725989'; nonce = '236682281'
out['feishu'] = {'encryptKey': key, 'body': enc, 'timestamp': fts, 'nonce': nonce,
                 'sig': hashlib.sha256((fts + nonce + key + enc).encode()).hexdigest(),
                 'verification': json.dumps({"encrypt": feishu_encrypt('{"challenge":"ajls384kdjx98XX","token":"vtok","type":"url_verification"}')}, separators=(',', ':')),
                 'plainVerification': '{"challenge":"ajls384kdjx98XX","token":"vtok","type":"url_verification"}'}

sec = 'ding-app-secret-5566'; dts = '1732181122000'
out['dingtalk'] = {'secret': sec, 'timestamp': dts,
                   'sign': base64.b64encode(hmac.new(sec.encode(), (dts + '\n' + sec).encode(), hashlib.sha256).digest()).decode(),
                   'body': '{"conversationId":"cid1","msgId":"msg1","senderNick":"Ana","senderStaffId":"staff1","conversationType":"1","createAt":1732181122000,"msgtype":"text","text":{"content":"hello"},"robotCode":"ding1"}'}

token = 'QDG6eK'; aes = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C'; corp = 'wx5823bf96d3bd56c7'
def wecom_encrypt(msg):
    k = base64.b64decode(aes + '='); iv = k[:16]
    m = msg.encode(); p = b'0123456789abcdef' + len(m).to_bytes(4, 'big') + m + corp.encode()
    pad = 32 - len(p) % 32; p += bytes([pad]) * pad
    c = Cipher(algorithms.AES(k), modes.CBC(iv)).encryptor()
    return base64.b64encode(c.update(p) + c.finalize()).decode()
def sorted_sha1(*parts): return hashlib.sha1(''.join(sorted(parts)).encode()).hexdigest()
echo = wecom_encrypt('1616140317555161061')
wts = '1409659589'; wn = '263014780'
encmsg = wecom_encrypt('<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><FromUserName><![CDATA[mycreate]]></FromUserName><CreateTime>1409659813</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello]]></Content><MsgId>4561255354251345929</MsgId><AgentID>218</AgentID></xml>')
post = '<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[' + encmsg + ']]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>'
out['wecom'] = {'token': token, 'aesKey': aes, 'receiveId': corp, 'timestamp': wts, 'nonce': wn, 'echostr': echo,
                'echoSig': sorted_sha1(token, wts, wn, echo), 'body': post, 'bodySig': sorted_sha1(token, wts, wn, encmsg)}

wtoken = 'wechat-token-1'
out['wechat'] = {'token': wtoken, 'timestamp': wts, 'nonce': wn, 'signature': sorted_sha1(wtoken, wts, wn), 'echostr': 'echo-plain-123',
                 'body': '<xml><ToUserName><![CDATA[gh_123]]></ToUserName><FromUserName><![CDATA[oUser1]]></FromUserName><CreateTime>1348831860</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content><MsgId>1234567890123456</MsgId></xml>'}

ssec = 'slack-signing-secret-44'; sts = '1732181122'
sbody = '{"token":"t","team_id":"T061EG9R6","api_app_id":"A0PNCHHK2","event":{"type":"message","channel":"D024BE91L","user":"U2147483697","text":"hello","ts":"1355517523.000005","event_ts":"1355517523.000005","channel_type":"im"},"type":"event_callback","event_id":"Ev0PV52K21","event_time":1355517523}'
uv = '{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}'
slack_sig = lambda b: 'v0=' + hmac.new(ssec.encode(), ('v0:' + sts + ':' + b).encode(), hashlib.sha256).hexdigest()
out['slack'] = {'secret': ssec, 'timestamp': sts, 'body': sbody, 'sig': slack_sig(sbody), 'verification': uv, 'verificationSig': slack_sig(uv)}

with open('vectors.json', 'w') as f:
    json.dump(out, f, indent=1, ensure_ascii=False)
