/**
 * Built-in terminfo: blessed 0.1.81's own compiled `linux` and `xterm` entries (node_modules/blessed/usr),
 * base64. The last resort when neither the system nor the usr/ directory beside the bundle has
 * one; test/unit/switcher/terminfo.test.ts checks these bytes against blessed's files.
 */
export const BUILTIN_TERMINFO: Readonly<Record<string, string>> = {
  linux:
    "GgEUAB0AEAB9AVQDbGludXh8bGludXggY29uc29sZQAAAQAAAQEAAAAAAAAAAQEAAAAAAAEAAAAAAAABAQD//wgA////////" +
    "/////////////////////wgAQAASAP//AAACAAQAFQAaACEAJQApAP//NABFAEcASwBXAP//WQBlAP//aQBtAHkAfQD/////" +
    "gQCHAIwA/////5EAlgD/////mwCgAKUAqgCzALkA/////8EAxgDMANIA////////////////5ADoAP//7AD////////uAP//" +
    "8wD///////////cA/AACAQcBDAERARYBHAEiASgBLgEzAf//OAH//zwBQQFGAf///////0oB////////////////////////" +
    "////////////////TgH//1EBWgFjAWwB//91AX4BhwH//5AB//////////////////+ZAf///////58BogGtAbABsgG1ARYC" +
    "//8ZAv///////////////xsC//////////8fAv//YAL/////ZAJqAv////////////////////////////9wAv//////////" +
    "////////////////////////////////////////dQL/////////////////////////////////////////////////////" +
    "/////////////////////////////3cCfQKDAokCjwKVApsCoQKnAq0C////////////////////////////////////////" +
    "//////////////////////////////////////////////////////////////////////////+zAv//////////////////" +
    "//////////////////////////////////////////+4AsMCyALOAtIC2wLfAv//////////////////////////////////" +
    "////////////////////////////////////////////////////////////////////////////////////////////////" +
    "////////////////MAP///////80Az4D////////////////////////////////////////////////SANOAwcADQAbWyVp" +
    "JXAxJWQ7JXAyJWRyABtbM2cAG1tIG1tKABtbSwAbW0oAG1slaSVwMSVkRwAbWyVpJXAxJWQ7JXAyJWRIAAoAG1tIABtbPzI1" +
    "bBtbPzFjAAgAG1s/MjVoG1s/MGMAG1tDABtbQQAbWz8yNWgbWz84YwAbW1AAG1tNABtbMTFtABtbNW0AG1sxbQAbWzJtABtb" +
    "NGgAG1s3bQAbWzdtABtbNG0AG1slcDElZFgAG1sxMG0AG1swOzEwbQAbWzRsABtbMjdtABtbMjRtABtbPzVoG1s/NWwkPDIw" +
    "MC8+ABtbQAAbW0wAfwAbWzN+ABtbQgAbW1tBABtbMjF+ABtbW0IAG1tbQwAbW1tEABtbW0UAG1sxN34AG1sxOH4AG1sxOX4A" +
    "G1syMH4AG1sxfgAbWzJ+ABtbRAAbWzZ+ABtbNX4AG1tDABtbQQANCgAbWyVwMSVkUAAbWyVwMSVkTQAbWyVwMSVkQgAbWyVw" +
    "MSVkQAAbWyVwMSVkTAAbWyVwMSVkRAAbWyVwMSVkQwAbWyVwMSVkQQAbYxtdUgAbOAAbWyVpJXAxJWRkABs3AAoAG00AG1sw" +
    "OzEwJT8lcDEldDs3JTslPyVwMiV0OzQlOyU/JXAzJXQ7NyU7JT8lcDQldDs1JTslPyVwNSV0OzIlOyU/JXA2JXQ7MSU7JT8l" +
    "cDcldDs4JTslPyVwOSV0OzExJTttABtIAAkAG1tHACsQLBEtGC4ZMNtgBGGxZvhn8Wiwac5q2Wu/bNptwG7Fb35wxHHEcsRz" +
    "X3TDdbR2wXfCeLN583rye+N82H2cfv4AG1taABtbPzdoABtbPzdsABtbNH4AGgAbWzIzfgAbWzI0fgAbWzI1fgAbWzI2fgAb" +
    "WzI4fgAbWzI5fgAbWzMxfgAbWzMyfgAbWzMzfgAbWzM0fgAbWzFLABtbJWklZDslZFIAG1s2bgAbWz82YwAbW2MAG1szOTs0" +
    "OW0AG11SABtdUCVwMSV4JXAyJXsyNTV9JSolezEwMDB9JS8lMDJ4JXAzJXsyNTV9JSolezEwMDB9JS8lMDJ4JXA0JXsyNTV9" +
    "JSolezEwMDB9JS8lMDJ4ABtbTQAbWzMlcDElZG0AG1s0JXAxJWRtABtbMTFtABtbMTBtAAMAAQAGABAAIgABAAAAAQD/////" +
    "//////////8AAAMABgAJAAwADwASABYAGgAeAEFYAEcwAFhUAFU4AEUwAFMwAGthMgBrYjEAa2IzAGtjMgA=",
  xterm:
    "GgEcACYADwCdAWwFeHRlcm18WDExIHRlcm1pbmFsIGVtdWxhdG9yAAABAAABAAAAAQAAAAABAQAAAAAAAAABAAABAAABAAAA" +
    "AAAAAAABUAAIABgA//////////////////////////8IAEAAAAAEAAYACAAZAB4AJgAqAC4A//85AEoATABQAFcA//9ZAGYA" +
    "//9qAG4AeAB8AP////+AAIQAiQCOAP////+XAJwA//+hAKYAqwCwALkAvQDEAP//zQDSANgA3gD////////wAP///////wIB" +
    "//8GAf///////wgB//8NAf//////////EQEVARsBHwEjAScBLQEzATkBPwFFAUkB//9OAf//UgFXAVwBYAFnAf//bgFyAXoB" +
    "/////////////////////////////4IBiwH/////lAGdAaYBrwG4AcEBygHTAdwB5QH////////uAfIB9wH///wB/wH/////" +
    "EQIUAh8CIgIkAicCeQL//3wC////////////////fgL//////////4IC//+3Av////+7AsEC////////////////////////" +
    "/////8cCywL//////////////////////////////////////////////////////////////////88C/////9YC////////" +
    "///dAuQC6wL/////8gL///kC////////AAP/////////////BwMNAxMDGgMhAygDLwM3Az8DRwNPA1cDXwNnA28DdgN9A4QD" +
    "iwOTA5sDowOrA7MDuwPDA8sD0gPZA+AD5wPvA/cD/wMHBA8EFwQfBCcELgQ1BDwEQwRLBFMEWwRjBGsEcwR7BIMEigSRBJgE" +
    "/////////////////////////////////////////////////////////////50EqAStBLUEuQT//////////8IECAX/////" +
    "////////////////////////////////////////////////////////////////////////////////////////////////" +
    "//////////////////////////////////9OBf///////1IFXAX/////////////////////////////////////////////" +
    "////////////////////////////////////////////////////////////////////////////////////////ZgVpBRtb" +
    "WgAHAA0AG1slaSVwMSVkOyVwMiVkcgAbWzNnABtbSBtbMkoAG1tLABtbSgAbWyVpJXAxJWRHABtbJWklcDElZDslcDIlZEgA" +
    "CgAbW0gAG1s/MjVsAAgAG1s/MTJsG1s/MjVoABtbQwAbW0EAG1s/MTI7MjVoABtbUAAbW00AGygwABtbNW0AG1sxbQAbWz8x" +
    "MDQ5aAAbWzRoABtbOG0AG1s3bQAbWzdtABtbNG0AG1slcDElZFgAGyhCABsoQhtbbQAbWz8xMDQ5bAAbWzRsABtbMjdtABtb" +
    "MjRtABtbPzVoJDwxMDAvPhtbPzVsABtbIXAbWz8zOzRsG1s0bBs+ABtbTAAIABtbM34AG09CABtPUAAbWzIxfgAbT1EAG09S" +
    "ABtPUwAbWzE1fgAbWzE3fgAbWzE4fgAbWzE5fgAbWzIwfgAbT0gAG1syfgAbT0QAG1s2fgAbWzV+ABtPQwAbWzE7MkIAG1sx" +
    "OzJBABtPQQAbWz8xbBs+ABtbPzFoGz0AG1s/MTAzNGwAG1s/MTAzNGgAG1slcDElZFAAG1slcDElZE0AG1slcDElZEIAG1sl" +
    "cDElZEAAG1slcDElZFMAG1slcDElZEwAG1slcDElZEQAG1slcDElZEMAG1slcDElZFQAG1slcDElZEEAG1tpABtbNGkAG1s1" +
    "aQAbYwAbWyFwG1s/Mzs0bBtbNGwbPgAbOAAbWyVpJXAxJWRkABs3AAoAG00AJT8lcDkldBsoMCVlGyhCJTsbWzAlPyVwNiV0" +
    "OzElOyU/JXAyJXQ7NCU7JT8lcDElcDMlfCV0OzclOyU/JXA0JXQ7NSU7JT8lcDcldDs4JTttABtIAAkAG09FAGBgYWFmZmdn" +
    "aWlqamtrbGxtbW5ub29wcHFxcnJzc3R0dXV2dnd3eHh5eXp6e3t8fH19fn4AG1taABtbPzdoABtbPzdsABtPRgAbT00AG1sz" +
    "OzJ+ABtbMTsyRgAbWzE7MkgAG1syOzJ+ABtbMTsyRAAbWzY7Mn4AG1s1OzJ+ABtbMTsyQwAbWzIzfgAbWzI0fgAbWzE7MlAA" +
    "G1sxOzJRABtbMTsyUgAbWzE7MlMAG1sxNTsyfgAbWzE3OzJ+ABtbMTg7Mn4AG1sxOTsyfgAbWzIwOzJ+ABtbMjE7Mn4AG1sy" +
    "MzsyfgAbWzI0OzJ+ABtbMTs1UAAbWzE7NVEAG1sxOzVSABtbMTs1UwAbWzE1OzV+ABtbMTc7NX4AG1sxODs1fgAbWzE5OzV+" +
    "ABtbMjA7NX4AG1syMTs1fgAbWzIzOzV+ABtbMjQ7NX4AG1sxOzZQABtbMTs2UQAbWzE7NlIAG1sxOzZTABtbMTU7Nn4AG1sx" +
    "Nzs2fgAbWzE4OzZ+ABtbMTk7Nn4AG1syMDs2fgAbWzIxOzZ+ABtbMjM7Nn4AG1syNDs2fgAbWzE7M1AAG1sxOzNRABtbMTsz" +
    "UgAbWzE7M1MAG1sxNTszfgAbWzE3OzN+ABtbMTg7M34AG1sxOTszfgAbWzIwOzN+ABtbMjE7M34AG1syMzszfgAbWzI0OzN+" +
    "ABtbMTs0UAAbWzE7NFEAG1sxOzRSABtbMUsAG1slaSVkOyVkUgAbWzZuABtbPzE7MmMAG1tjABtbMzk7NDltABtbMyU/JXAx" +
    "JXsxfSU9JXQ0JWUlcDElezN9JT0ldDYlZSVwMSV7NH0lPSV0MSVlJXAxJXs2fSU9JXQzJWUlcDElZCU7bQAbWzQlPyVwMSV7" +
    "MX0lPSV0NCVlJXAxJXszfSU9JXQ2JWUlcDElezR9JT0ldDElZSVwMSV7Nn0lPSV0MyVlJXAxJWQlO20AG1tNABtbMyVwMSVk" +
    "bQAbWzQlcDElZG0AG2wAG20AAgAAAD4AfgDvAgEBAAAHABMAGQArADEAOwBCAEkAUABXAF4AZQBsAHMAegCBAIgAjwCWAJ0A" +
    "pACrALIAuQDAAMcAzgDVANwA4wDqAPEA+AD/AAYBDQEUARsBIgEpATABNwE+AUUBTAFTAVoBYQFoAW8BdgF9AYQBiwGSAZkB" +
    "oAH//////////wAAAwAGAAkADAAPABIAFQAYAB0AIgAnACwAMQA1ADoAPwBEAEkATgBUAFoAYABmAGwAcgB4AH4AhACKAI8A" +
    "lACZAJ4AowCpAK8AtQC7AMEAxwDNANMA2QDfAOUA6wDxAPcA/QADAQkBDwEVARsBHwEkASkBLgEzATgBPAFAAUQBG10xMTIH" +
    "ABtdMTI7JXAxJXMHABtbMztKABtdNTI7JXAxJXM7JXAyJXMHABtbMiBxABtbJXAxJWQgcQAbWzM7M34AG1szOzR+ABtbMzs1" +
    "fgAbWzM7Nn4AG1szOzd+ABtbMTsyQgAbWzE7M0IAG1sxOzRCABtbMTs1QgAbWzE7NkIAG1sxOzdCABtbMTszRgAbWzE7NEYA" +
    "G1sxOzVGABtbMTs2RgAbWzE7N0YAG1sxOzNIABtbMTs0SAAbWzE7NUgAG1sxOzZIABtbMTs3SAAbWzI7M34AG1syOzR+ABtb" +
    "Mjs1fgAbWzI7Nn4AG1syOzd+ABtbMTszRAAbWzE7NEQAG1sxOzVEABtbMTs2RAAbWzE7N0QAG1s2OzN+ABtbNjs0fgAbWzY7" +
    "NX4AG1s2OzZ+ABtbNjs3fgAbWzU7M34AG1s1OzR+ABtbNTs1fgAbWzU7Nn4AG1s1Ozd+ABtbMTszQwAbWzE7NEMAG1sxOzVD" +
    "ABtbMTs2QwAbWzE7N0MAG1sxOzJBABtbMTszQQAbWzE7NEEAG1sxOzVBABtbMTs2QQAbWzE7N0EAQVgAWFQAQ3IAQ3MARTMA" +
    "TXMAU2UAU3MAa0RDMwBrREM0AGtEQzUAa0RDNgBrREM3AGtETgBrRE4zAGtETjQAa0RONQBrRE42AGtETjcAa0VORDMAa0VO" +
    "RDQAa0VORDUAa0VORDYAa0VORDcAa0hPTTMAa0hPTTQAa0hPTTUAa0hPTTYAa0hPTTcAa0lDMwBrSUM0AGtJQzUAa0lDNgBr" +
    "SUM3AGtMRlQzAGtMRlQ0AGtMRlQ1AGtMRlQ2AGtMRlQ3AGtOWFQzAGtOWFQ0AGtOWFQ1AGtOWFQ2AGtOWFQ3AGtQUlYzAGtQ" +
    "UlY0AGtQUlY1AGtQUlY2AGtQUlY3AGtSSVQzAGtSSVQ0AGtSSVQ1AGtSSVQ2AGtSSVQ3AGtVUABrVVAzAGtVUDQAa1VQNQBr" +
    "VVA2AGtVUDcAa2EyAGtiMQBrYjMAa2MyAA==",
};
